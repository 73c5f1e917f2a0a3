package dev.trainset.transforms.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FilterReader;
import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads JSON records with Jackson's streaming parser, within {@link ReadLimits}: nesting depth, string and number
 * lengths (Jackson's {@code StreamReadConstraints}) and characters per record. Three layouts:
 *
 * <ul>
 *   <li>JSON Lines: one object per line; a line that is not valid JSON, or not an object, is a bad record with its
 *       line number, and reading goes on. Positions are line numbers.
 *   <li>A top-level array of objects, detected from the first character. Positions are 1-based record indexes.
 *   <li>A document whose records are the array at {@code recordsPath} (e.g. {@code features} in GeoJSON).
 * </ul>
 *
 * <p>Each record is flattened: nested objects become dotted names ({@code a.b}); an array of scalars stays a {@code
 * List}; an array holding objects or arrays is kept as its JSON text. Scalars come as Long, Double, Boolean or String,
 * JSON null as null. A syntax error inside an array or document is fatal for the rest of the file (there is no way to
 * find the next record), and the exception says where.
 */
public final class JsonRecordReader implements RecordReader<Map<String, Object>> {
  private static final Map<List<Integer>, ObjectMapper> MAPPERS = new ConcurrentHashMap<>();

  private final ObjectMapper mapper;
  private final ReadLimits limits;
  private final boolean lines;
  private final LineReader lineReader;
  private final RecordBound bound;
  private final JsonParser parser;
  private long position;
  private long lastPosition;

  private JsonRecordReader(Reader reader, JsonSettings settings, long firstLine, ReadLimits limits) throws IOException {
    this.limits = limits;
    this.mapper = mapper(limits);
    this.position = firstLine - 1;
    PushbackReader in = new PushbackReader(Bom.skip(reader), 1);
    int c;
    do {
      c = in.read();
    } while (c != -1 && Character.isWhitespace(c));
    if (c != -1) {
      in.unread(c);
    }
    boolean array = c == '[' && !settings.linesOnly();
    boolean document = c == '{' && settings.recordsPath() != null && !settings.linesOnly();
    this.lines = !array && !document;
    if (lines) {
      this.lineReader = new LineReader(in, limits.recordChars(), ReadLimits.KEPT_CHARS);
      this.bound = null;
      this.parser = null;
    } else {
      this.lineReader = null;
      this.bound = new RecordBound(in, limits.recordChars());
      this.parser = mapper.getFactory().createParser(bound);
      if (array) {
        parser.nextToken(); // START_ARRAY
      } else {
        seek(settings.recordsPath());
      }
    }
  }

  public static JsonRecordReader open(Reader reader, JsonSettings settings) throws IOException {
    return new JsonRecordReader(reader, settings, 1, ReadLimits.DEFAULTS);
  }

  /** Opens JSON (Lines that start at line {@code firstLine} of their file). */
  public static JsonRecordReader open(Reader reader, JsonSettings settings, long firstLine, ReadLimits limits)
      throws IOException {
    return new JsonRecordReader(reader, settings, firstLine, limits);
  }

  /** One mapper per set of JSON limits: a mapper is costly to make and safe to share. */
  private static ObjectMapper mapper(ReadLimits limits) {
    List<Integer> key = List.of(limits.jsonDepth(), limits.jsonStringChars(), limits.jsonNumberChars());
    return MAPPERS.computeIfAbsent(
        key,
        k ->
            new ObjectMapper(
                JsonFactory.builder()
                    .streamReadConstraints(
                        StreamReadConstraints.builder()
                            .maxNestingDepth(k.get(0))
                            .maxStringLength(k.get(1))
                            .maxNumberLength(k.get(2))
                            .build())
                    .build()));
  }

  @Override
  public String positionUnit() {
    return lines ? "line" : "record";
  }

  /** Moves the parser to the start of the array at the dotted path. */
  private void seek(String path) throws IOException {
    String[] parts = path.split("\\.");
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      throw new IOException("expected a JSON object at the top level to find records under '" + path + "'");
    }
    for (int depth = 0; depth < parts.length; depth++) {
      boolean found = false;
      JsonToken t;
      while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (name.equals(parts[depth])) {
          boolean last = depth == parts.length - 1;
          if (last && value != JsonToken.START_ARRAY) {
            throw new IOException("'" + path + "' is not an array of records (found " + value + ")");
          }
          if (!last && value != JsonToken.START_OBJECT) {
            throw new IOException("'" + String.join(".", java.util.Arrays.copyOf(parts, depth + 1)) + "' is not an object");
          }
          found = true;
          break;
        }
        parser.skipChildren();
      }
      if (!found) {
        throw new IOException("no array of records at '" + path + "' (input.json.recordsPath)");
      }
    }
  }

  @Override
  public SourceRecord<Map<String, Object>> next() throws IOException {
    SourceRecord<Map<String, Object>> r = lines ? nextLine() : nextElement();
    if (r != null) {
      lastPosition = r.position();
    }
    return r;
  }

  @Override
  public long lastPosition() {
    return lastPosition;
  }

  private SourceRecord<Map<String, Object>> nextLine() throws IOException {
    String text;
    while ((text = lineReader.readLine()) != null) {
      position++;
      if (text.isBlank()) {
        continue;
      }
      if (lineReader.tooLong()) {
        return SourceRecord.bad(position, text, limits.tooLong("this line", lineReader.length()));
      }
      JsonNode node;
      try {
        node = mapper.readTree(text);
      } catch (JsonProcessingException e) {
        return SourceRecord.bad(position, text, "invalid JSON: " + reason(e));
      }
      if (!node.isObject()) {
        return SourceRecord.bad(position, text, "expected a JSON object, found " + node.getNodeType());
      }
      return SourceRecord.ok(position, flatten(node));
    }
    return null;
  }

  private SourceRecord<Map<String, Object>> nextElement() throws IOException {
    try {
      JsonToken t = parser.nextToken();
      if (t == null || t == JsonToken.END_ARRAY) {
        return null;
      }
      position++;
      bound.startRecord();
      JsonNode node = mapper.readTree(parser);
      if (!node.isObject()) {
        return SourceRecord.bad(position, node.toString(), "expected a JSON object, found " + node.getNodeType());
      }
      return SourceRecord.ok(position, flatten(node));
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
      throw new IOException(
          "invalid JSON in record " + position + " at line " + at.getLineNr() + ", column " + at.getColumnNr() + ": "
              + reason(e) + "; the rest of the file was not read",
          e);
    }
  }

  /** Jackson's message, naming the {@code input.limits} key when a read constraint was exceeded. */
  private static String reason(JsonProcessingException e) {
    String msg = e.getOriginalMessage();
    if (!(e instanceof StreamConstraintsException)) {
      return msg;
    }
    String lower = msg.toLowerCase(java.util.Locale.ROOT);
    String key = lower.contains("depth") ? "jsonDepth" : lower.contains("number") ? "jsonNumberChars" : "jsonStringChars";
    return msg.replaceFirst(", from `StreamReadConstraints[^`]*`", "") + " (input.limits." + key + ")";
  }

  /** Counts the characters of the current array element, and stops reading once it is longer than the limit. */
  private final class RecordBound extends FilterReader {
    private final long max;
    private long read;

    RecordBound(Reader in, long max) {
      super(in);
      this.max = max;
    }

    void startRecord() {
      read = 0;
    }

    @Override
    public int read() throws IOException {
      char[] one = new char[1];
      return read(one, 0, 1) < 0 ? -1 : one[0];
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
      int n = super.read(cbuf, off, len);
      if (n > 0) {
        read += n;
        if (read > max) {
          throw new IOException(
              "record " + position + " is longer than input.limits.recordChars (" + max
                  + " characters); the rest of the file was not read");
        }
      }
      return n;
    }
  }

  /** Flattens an object into dotted names, in the object's own key order. */
  public static Map<String, Object> flatten(JsonNode object) {
    Map<String, Object> out = new LinkedHashMap<>();
    flatten("", object, out);
    return out;
  }

  private static void flatten(String prefix, JsonNode object, Map<String, Object> out) {
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String name = prefix + f.getKey();
      JsonNode v = f.getValue();
      if (v.isObject()) {
        flatten(name + ".", v, out);
      } else if (v.isArray()) {
        out.put(name, array(v));
      } else {
        out.put(name, scalar(v));
      }
    }
  }

  private static Object array(JsonNode array) {
    List<Object> items = new ArrayList<>(array.size());
    for (JsonNode item : array) {
      if (item.isContainerNode()) {
        return array.toString(); // nested structure: keep as JSON text
      }
      items.add(scalar(item));
    }
    return items;
  }

  static Object scalar(JsonNode v) {
    if (v.isNull() || v.isMissingNode()) {
      return null;
    }
    if (v.isIntegralNumber()) {
      return v.canConvertToLong() ? (Object) v.asLong() : (Object) v.asDouble();
    }
    if (v.isNumber()) {
      return v.asDouble();
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    return v.asText();
  }

  @Override
  public void close() throws IOException {
    if (parser != null) {
      parser.close();
    } else {
      lineReader.close();
    }
  }
}
