package dev.trainset.transforms.parse;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

/**
 * Pins the ARFF parser with spec files ({@code src/test/resources/arff-spec/*.spec}): an input and the expected
 * schema and rows ({@code LINE: [values]}), bad rows ({@code LINE ! reason}) or a header error ({@code error: ...}).
 * Values render as Java sees them: {@code 1.5} double, {@code 3L} long, {@code 'text'} string, {@code @...} instant.
 */
@RunWith(Parameterized.class)
public class ArffSpecTest {
  @Parameters(name = "{0}")
  public static List<Object[]> specs() throws IOException, URISyntaxException {
    Path dir = Paths.get(ArffSpecTest.class.getResource("/arff-spec").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.toString().endsWith(".spec"))
          .sorted()
          .map(p -> new Object[] {p.getFileName().toString(), p})
          .collect(Collectors.toList());
    }
  }

  private final Path spec;

  public ArffSpecTest(String name, Path spec) {
    this.spec = spec;
  }

  @Test
  public void givenSpecInput_producesExpectedSchemaRowsAndErrors() throws IOException {
    String text = Files.readString(spec, StandardCharsets.UTF_8);
    int in = text.indexOf("== input\n");
    int ex = text.indexOf("== expect\n");
    assertTrue("spec needs '== input' and '== expect' sections", in >= 0 && ex > in);
    String input = text.substring(in + 9, ex);
    if (text.substring(0, in).contains("# crlf")) {
      input = input.replace("\n", "\r\n");
    }
    String expected = text.substring(ex + 10).strip();
    assertEquals(expected, run(input).strip());
  }

  static String run(String input) {
    List<String> out = new ArrayList<>();
    try (ArffReader r = ArffReader.open(new StringReader(input))) {
      out.add("schema: " + r.schema().columns().stream().map(ColumnSpec::toString).collect(Collectors.joining(", ")));
      SourceRecord<Object[]> rec;
      while ((rec = r.next()) != null) {
        if (rec.isBad()) {
          out.add(rec.position() + " ! " + rec.error());
        } else {
          List<String> vals = new ArrayList<>();
          for (Object v : rec.values()) {
            vals.add(render(v));
          }
          out.add(rec.position() + ": [" + String.join(", ", vals) + "]");
        }
      }
    } catch (IOException e) {
      return "error: " + e.getMessage();
    }
    return String.join("\n", out);
  }

  static String render(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Long) {
      return v + "L";
    }
    if (v instanceof Instant) {
      return "@" + v;
    }
    if (v instanceof String) {
      String s = ((String) v).replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\t", "\\t");
      return "'" + s + "'";
    }
    return v.toString();
  }
}
