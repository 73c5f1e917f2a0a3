package dev.trainset.pipelines.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The locations trainset reads and writes: local paths, {@code s3://bucket/prefix} and
 * {@code azfs://account/container/prefix} (Beam's file systems). Azure's own URIs are translated for the user:
 * {@code abfss://container@account.dfs.core.windows.net/p} and {@code wasbs://container@account.blob.core.windows.net/p}
 * (and their unencrypted forms) both become {@code azfs://account/container/p}; both name the same blob.
 */
public final class StoragePaths {
  /** The stores trainset knows. */
  public enum Store {
    LOCAL,
    S3,
    AZURE
  }

  private static final Pattern AZURE_URI =
      Pattern.compile("(?i)(abfss?|wasbs?)://([^@/]+)@([a-z0-9]+)\\.(?:dfs|blob)\\.[^/]+(/.*)?");
  private static final Pattern SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*)://.*");

  private StoragePaths() {}

  /**
   * The path in Beam's form; {@code key} names the config key in errors.
   *
   * @throws TrainsetException (exit 2) for a scheme trainset does not read or write
   */
  public static String normalize(String key, String path) {
    if (path == null) {
      return null;
    }
    String p = path.trim();
    Matcher m = AZURE_URI.matcher(p);
    if (m.matches()) {
      String rest = m.group(4) == null ? "/" : m.group(4);
      return "azfs://" + m.group(3).toLowerCase(Locale.ROOT) + "/" + m.group(2) + rest;
    }
    Matcher s = SCHEME.matcher(p);
    if (s.matches()) {
      String scheme = s.group(1).toLowerCase(Locale.ROOT);
      if (scheme.startsWith("abfs") || scheme.startsWith("wasb")) {
        throw TrainsetException.config(
            key, "'" + p + "' is not a valid " + scheme + ":// URI (expected " + scheme + "://container@account."
                + (scheme.startsWith("abfs") ? "dfs" : "blob") + ".core.windows.net/path)");
      }
      if (!scheme.equals("s3") && !scheme.equals("azfs") && !scheme.equals("file")) {
        throw TrainsetException.config(
            key, "unsupported location '" + p + "' (expected a local path, s3://bucket/prefix, azfs://account/container/prefix, abfss:// or wasbs://)");
      }
      return scheme.equals("file") ? p.substring("file://".length()) : scheme + p.substring(scheme.length());
    }
    return p;
  }

  public static Store store(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    if (p.startsWith("s3://")) {
      return Store.S3;
    }
    if (p.startsWith("azfs://")) {
      return Store.AZURE;
    }
    return Store.LOCAL;
  }

  /** The bucket of an {@code s3://} path, or the account of an {@code azfs://} path. */
  public static String first(String path) {
    String rest = path.substring(path.indexOf("://") + 3);
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  /** The container of an {@code azfs://account/container/...} path. */
  public static String container(String path) {
    String rest = path.substring(path.indexOf("://") + 3);
    String[] parts = rest.split("/", 3);
    return parts.length > 1 ? parts[1] : "";
  }
}
