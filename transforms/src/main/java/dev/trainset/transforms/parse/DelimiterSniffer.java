package dev.trainset.transforms.parse;

/**
 * Guesses a CSV delimiter among {@code , ; TAB |} from the first lines of a file: the candidate that splits every
 * sampled line into the same number (greater than zero) of fields wins, the largest count first; when none is
 * consistent, the one that appears on most lines. Quoted text is not counted. Falls back to a comma.
 */
public final class DelimiterSniffer {
  static final char[] CANDIDATES = {',', ';', '\t', '|'};
  private static final int MAX_LINES = 20;

  private DelimiterSniffer() {}

  public static char sniff(String sample, char quote) {
    String[] lines = sample.split("\r\n|\r|\n");
    int usable = 0;
    int[][] counts = new int[CANDIDATES.length][MAX_LINES];
    for (String line : lines) {
      if (usable == MAX_LINES) {
        break;
      }
      if (line.isBlank()) {
        continue;
      }
      boolean quoted = false;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (c == quote) {
          quoted = !quoted;
        } else if (!quoted) {
          for (int k = 0; k < CANDIDATES.length; k++) {
            if (c == CANDIDATES[k]) {
              counts[k][usable]++;
            }
          }
        }
      }
      usable++;
    }
    // A last sampled line may be cut short by the sample size: only use it when it is the only one.
    int lines2 = usable > 2 ? usable - 1 : usable;
    char best = ',';
    int bestScore = -1;
    for (int k = 0; k < CANDIDATES.length; k++) {
      int first = lines2 == 0 ? 0 : counts[k][0];
      boolean consistent = first > 0;
      int present = 0;
      for (int l = 0; l < lines2; l++) {
        consistent &= counts[k][l] == first;
        if (counts[k][l] > 0) {
          present++;
        }
      }
      // Consistent candidates always beat inconsistent ones; then more fields, then more lines.
      int score = consistent ? 1_000_000 + first : present;
      if (score > bestScore && (consistent || present > 0)) {
        bestScore = score;
        best = CANDIDATES[k];
      }
    }
    return best;
  }
}
