package dev.trainset.transforms.io.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.TypedRow;
import dev.trainset.transforms.parse.Values;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.Charset;
import java.time.Instant;

/**
 * Finds a message's event time without parsing all of it, for the source's watermark: the top-level JSON field, or
 * the CSV column, read as the typing reads a timestamp. Null when the message has none that reads (the full parse
 * then decides what the record is).
 */
public final class EventTimeField implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final JsonFactory JSON = new JsonFactory();

  private final String name;
  private final int csvColumn; // -1 for JSON
  private final char delimiter;
  private final char quote;
  private final String charset;
  private final ColumnSpec spec;

  private EventTimeField(String name, int csvColumn, char delimiter, char quote, Charset charset) {
    this.name = name;
    this.csvColumn = csvColumn;
    this.delimiter = delimiter;
    this.quote = quote;
    this.charset = charset.name();
    this.spec = ColumnSpec.of(name, ColumnType.TIMESTAMP);
  }

  /** The top-level field {@code name} of a JSON object. */
  public static EventTimeField json(String name, Charset charset) {
    return new EventTimeField(name, -1, ',', '"', charset);
  }

  /** Column {@code index} of a CSV record. */
  public static EventTimeField csv(String name, int index, char delimiter, char quote, Charset charset) {
    return new EventTimeField(name, index, delimiter, quote, charset);
  }

  /** The event time in epoch milliseconds, or null. */
  public Long millis(byte[] payload) {
    Object token = csvColumn < 0 ? jsonToken(payload) : csvToken(new String(payload, Charset.forName(charset)));
    if (token == null) {
      return null;
    }
    try {
      Object v = Values.convert(token, spec);
      return v == null ? null : Math.floorDiv(TypedRow.micros((Instant) v), 1000L);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private Object jsonToken(byte[] payload) {
    try (JsonParser p = JSON.createParser(new String(payload, Charset.forName(charset)))) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if (field.equals(name)) {
          return switch (v) {
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            default -> null;
          };
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private String csvToken(String line) {
    int column = 0;
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == quote) {
          if (i + 1 < line.length() && line.charAt(i + 1) == quote) {
            field.append(quote);
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(c);
        }
      } else if (c == quote) {
        quoted = true;
      } else if (c == delimiter) {
        if (column == csvColumn) {
          return field.toString().trim();
        }
        column++;
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    return column == csvColumn ? field.toString().trim() : null;
  }
}
