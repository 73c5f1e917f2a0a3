package dev.trainset.transforms.parse;

import java.io.Serializable;
import java.util.List;
import java.util.Set;

/**
 * How to read a CSV source. Immutable.
 *
 * @param delimiter the field delimiter, or null to sniff it from the first lines
 * @param quote the quote character (RFC 4180 doubles it inside quoted fields)
 * @param header whether the first record holds the column names
 * @param columnNames names to use instead of (header=false) or in place of (header=true) the file's header; empty
 *     for none
 * @param missing the tokens that mean "missing" (compared after trimming unquoted space)
 * @param trim whether to trim space around unquoted values
 */
public record CsvSettings(
    Character delimiter,
    char quote,
    boolean header,
    List<String> columnNames,
    Set<String> missing,
    boolean trim)
    implements Serializable {

  public static final Set<String> DEFAULT_MISSING = Set.of("", "?", "NA", "null");

  public static CsvSettings defaults() {
    return new CsvSettings(null, '"', true, List.of(), DEFAULT_MISSING, true);
  }

  public CsvSettings {
    columnNames = List.copyOf(columnNames);
    missing = Set.copyOf(missing);
  }

  public CsvSettings withDelimiter(Character d) {
    return new CsvSettings(d, quote, header, columnNames, missing, trim);
  }

  public CsvSettings withHeader(boolean h) {
    return new CsvSettings(delimiter, quote, h, columnNames, missing, trim);
  }

  public CsvSettings withColumnNames(List<String> names) {
    return new CsvSettings(delimiter, quote, header, names, missing, trim);
  }

  public CsvSettings withMissing(Set<String> m) {
    return new CsvSettings(delimiter, quote, header, columnNames, m, trim);
  }
}
