import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes the benchmark CSV: id, 8 doubles (about 2% missing each), 2 ints, a category (12 values), a boolean flag and a
 * 3-class label (70/25/5). Deterministic for a seed. Run with: java benchmarks/GenerateCsv.java OUT.csv ROWS [SEED]
 */
public class GenerateCsv {
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    long rows = Long.parseLong(args[1]);
    SplittableRandom r = new SplittableRandom(args.length > 2 ? Long.parseLong(args[2]) : 42);
    String[] cats = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett", "kilo", "lima"};
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      w.write("id,f1,f2,f3,f4,f5,f6,f7,f8,n1,n2,category,flag,label\n");
      StringBuilder b = new StringBuilder(160);
      for (long i = 0; i < rows; i++) {
        b.setLength(0);
        b.append(i);
        for (int k = 0; k < 8; k++) {
          b.append(',');
          if (r.nextInt(50) != 0) {
            b.append(Math.round(r.nextGaussian() * 1000 * (k + 1)) / 1000.0);
          }
        }
        b.append(',').append(r.nextInt(100_000)).append(',').append(r.nextInt(-50, 50));
        b.append(',').append(cats[r.nextInt(cats.length)]);
        b.append(',').append(r.nextBoolean());
        int l = r.nextInt(100);
        b.append(',').append(l < 70 ? "common" : l < 95 ? "uncommon" : "rare");
        b.append('\n');
        w.write(b.toString());
      }
    }
  }
}
