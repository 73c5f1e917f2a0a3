package dev.trainset.pipelines.batch;

import dev.trainset.pipelines.config.RunConfig;
import dev.trainset.pipelines.config.RunConfig.Format;
import dev.trainset.pipelines.config.TrainsetException;
import dev.trainset.transforms.io.TextEncoding;
import dev.trainset.transforms.io.UndecodableInputException;
import dev.trainset.transforms.io.FileFormat;
import dev.trainset.transforms.io.arff.ArffFormat;
import dev.trainset.transforms.io.csv.CsvFormat;
import dev.trainset.transforms.io.json.JsonFormat;
import dev.trainset.transforms.parse.CsvSettings;
import dev.trainset.transforms.parse.DelimiterSniffer;
import dev.trainset.transforms.parse.JsonSettings;
import java.io.IOException;
import java.io.Reader;
import java.util.List;
import org.apache.beam.sdk.io.fs.MatchResult.Metadata;

/** Chooses the input format (configured, or from the extension) and resolves what must be looked up (delimiter). */
public final class Formats {
  private Formats() {}

  /** The configured format, or the one the first file's extension names. */
  public static Format resolve(RunConfig.Input input, List<Metadata> files) {
    if (input.format() != null) {
      return input.format();
    }
    String name = Inputs.baseName(files.get(0).resourceId().getFilename());
    if (name.endsWith(".csv") || name.endsWith(".tsv") || name.endsWith(".txt") || name.endsWith(".data")) {
      return Format.CSV;
    }
    if (name.endsWith(".arff")) {
      return Format.ARFF;
    }
    if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
      return Format.JSONL;
    }
    if (name.endsWith(".json") || name.endsWith(".geojson")) {
      return Format.JSON;
    }
    throw TrainsetException.config(
        "input.format",
        "cannot tell the format of '" + files.get(0).resourceId().getFilename()
            + "' from its extension; set it to csv, arff, json or jsonl");
  }

  /** The transform-level format, with the CSV delimiter sniffed from the first file when not configured. */
  public static FileFormat build(RunConfig.Input input, Format format, List<Metadata> files) {
    return of(input, format, files).withLimits(input.limits());
  }

  private static FileFormat of(RunConfig.Input input, Format format, List<Metadata> files) {
    switch (format) {
      case CSV:
        CsvSettings csv = input.csv();
        if (csv.delimiter() == null) {
          if (Inputs.baseName(files.get(0).resourceId().getFilename()).endsWith(".tsv")) {
            csv = csv.withDelimiter('\t');
          } else {
            csv = csv.withDelimiter(DelimiterSniffer.sniff(head(files.get(0), input.encoding(), 64 * 1024), csv.quote()));
          }
        }
        return CsvFormat.of(csv, input.encoding());
      case ARFF:
        return ArffFormat.of(input.encoding());
      case JSONL:
        return JsonFormat.of(new JsonSettings(input.json().recordsPath(), true), input.encoding());
      default:
        return JsonFormat.of(new JsonSettings(input.json().recordsPath(), false), input.encoding());
    }
  }

  private static String head(Metadata file, TextEncoding encoding, int chars) {
    try (Reader r = Inputs.openText(file, encoding)) {
      char[] buf = new char[chars];
      int n = 0;
      int k;
      while (n < chars && (k = r.read(buf, n, chars - n)) > 0) {
        n += k;
      }
      return new String(buf, 0, n);
    } catch (UndecodableInputException e) {
      throw TrainsetException.data(e.getMessage());
    } catch (IOException e) {
      throw TrainsetException.data("cannot read " + file.resourceId() + ": " + e.getMessage());
    }
  }
}
