package dev.trainset.transforms.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.transforms.parse.ColumnSpec;
import dev.trainset.transforms.parse.ColumnType;
import dev.trainset.transforms.parse.TableSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a schema, as written to {@code schema.json} and the manifest: a list of columns with {@code name},
 * {@code type} (boolean, long, double, timestamp, string), {@code list}, {@code nullable}, and {@code domain} for
 * nominal columns.
 */
public final class SchemaJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private SchemaJson() {}

  public static ArrayNode toJson(TableSchema schema, Map<String, Long> nulls) {
    ArrayNode cols = MAPPER.createArrayNode();
    for (int i = 0; i < schema.size(); i++) {
      ColumnSpec c = schema.column(i);
      ObjectNode n = cols.addObject();
      n.put("name", c.name());
      n.put("type", c.type().configName());
      if (c.list()) {
        n.put("list", true);
      }
      n.put("nullable", c.nullable());
      if (c.domain() != null) {
        ArrayNode d = n.putArray("domain");
        c.domain().forEach(d::add);
      }
      if (nulls != null && nulls.containsKey(c.name())) {
        n.put("nulls", nulls.get(c.name()));
      }
    }
    return cols;
  }

  public static String toJsonString(TableSchema schema) {
    return toJson(schema, null).toString();
  }

  public static TableSchema fromJson(JsonNode cols) {
    List<ColumnSpec> out = new ArrayList<>();
    for (JsonNode n : cols) {
      List<String> domain = null;
      if (n.has("domain")) {
        domain = new ArrayList<>();
        for (JsonNode d : n.get("domain")) {
          domain.add(d.asText());
        }
      }
      out.add(
          new ColumnSpec(
              n.get("name").asText(),
              ColumnType.parse(n.get("type").asText()),
              n.path("list").asBoolean(false),
              n.path("nullable").asBoolean(true),
              domain));
    }
    return new TableSchema(out);
  }

  public static TableSchema fromJsonString(String json) {
    try {
      JsonNode node = MAPPER.readTree(json);
      return fromJson(node.isObject() ? node.get("columns") : node);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a schema: " + e.getMessage(), e);
    }
  }
}
