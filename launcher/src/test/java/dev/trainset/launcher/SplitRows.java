package dev.trainset.launcher;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The rows of one split of a training set, as an independent reader (DuckDB) reads its Parquet files. */
final class SplitRows {
  private SplitRows() {}

  /** Every row of {@code root/split/parquet/*.parquet} as {@code v1|v2|...|}, sorted. */
  static List<String> of(Path root, String split) throws Exception {
    Class.forName("org.duckdb.DuckDBDriver");
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT * FROM read_parquet('" + root + "/" + split + "/parquet/*.parquet') ORDER BY ALL")) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          b.append(rs.getObject(i)).append('|');
        }
        rows.add(b.toString());
      }
    }
    return rows;
  }
}
