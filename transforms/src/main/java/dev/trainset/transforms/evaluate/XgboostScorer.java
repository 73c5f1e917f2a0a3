package dev.trainset.transforms.evaluate;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An XGBoost model scored with XGBoost4J 1.7 (the line of SageMaker's {@code 1.7-1} container): the {@code
 * xgboost-model} file of a SageMaker {@code model.tar.gz}, or such a file on its own (XGBoost's binary or JSON format).
 * Serialisable as the model's bytes; each copy loads its own booster once, and predictions on one booster take turns.
 */
public final class XgboostScorer implements Scorer {
  private static final long serialVersionUID = 1L;
  /** The file a SageMaker XGBoost training job packs into {@code model.tar.gz}. */
  public static final String MODEL_FILE = "xgboost-model";
  private static final long MAX_MODEL_BYTES = Integer.MAX_VALUE - 64;

  private final byte[] model;
  private final int features;
  private transient Booster booster;

  private XgboostScorer(byte[] model, Booster booster) throws XGBoostError {
    this.model = model;
    this.booster = booster;
    this.features = (int) booster.getNumFeature();
  }

  /**
   * Loads a model from a {@code model.tar.gz} (the entry {@value #MODEL_FILE}) or from the model file itself.
   *
   * @param name how to name the file in messages
   */
  public static XgboostScorer load(byte[] bytes, String name) throws NotAModel {
    byte[] model = isGzip(bytes) ? fromArchive(bytes, name) : bytes;
    try {
      return new XgboostScorer(model, XGBoost.loadModel(model));
    } catch (XGBoostError | IOException | RuntimeException e) {
      throw new NotAModel(name + " is not an XGBoost model (XGBoost4J 1.7 cannot load it: " + reason(e) + ")");
    } catch (LinkageError e) {
      throw new NotAModel(
          "the local scorer cannot load XGBoost4J's native library here (" + e.getClass().getSimpleName() + ": " + e.getMessage()
              + "); it ships for x86-64 Linux, macOS and Windows and needs OpenMP's runtime (libgomp1 on Debian and Ubuntu)");
    }
  }

  /**
   * XGBoost's reason without its native stack: the first line of the message, without the {@code [12:00:00]
   * src/file.cc:123:} prefix, and nothing from {@code Stack trace:} on.
   */
  static String reason(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int stack = m.indexOf("Stack trace:");
    if (stack >= 0) {
      m = m.substring(0, stack);
    }
    String first = m.lines().map(String::trim).filter(l -> !l.isEmpty()).findFirst().orElse(e.getClass().getSimpleName());
    return first.replaceFirst("^\\[[0-9:]+\\] [^ ]+:[0-9]+: ", "").trim();
  }

  private static boolean isGzip(byte[] b) {
    return b.length > 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
  }

  private static byte[] fromArchive(byte[] bytes, String name) throws NotAModel {
    List<String> seen = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(bytes)))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String entry = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
        if (e.isFile() && entry.equals(MODEL_FILE)) {
          if (e.getSize() > MAX_MODEL_BYTES) {
            throw new NotAModel(name + ": " + MODEL_FILE + " is " + e.getSize() + " bytes, more than the 2 GiB a model may have");
          }
          return readAll(tar);
        }
        if (seen.size() < 10) {
          seen.add(entry);
        }
      }
    } catch (IOException e) {
      throw new NotAModel(name + " is not a readable tar.gz (" + e.getMessage() + ")");
    }
    throw new NotAModel(
        name + " holds no " + MODEL_FILE + " file (SageMaker's XGBoost packs one); it holds: "
            + (seen.isEmpty() ? "nothing" : String.join(", ", seen)));
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }

  @Override
  public int features() {
    return features;
  }

  @Override
  public synchronized float[][] predict(float[] data, int rows, int cols) {
    DMatrix m = null;
    try {
      if (booster == null) {
        booster = XGBoost.loadModel(model);
      }
      m = new DMatrix(data, rows, cols, Float.NaN);
      return booster.predict(m);
    } catch (XGBoostError | IOException e) {
      throw new IllegalArgumentException("XGBoost could not score the rows: " + reason(e), e);
    } finally {
      if (m != null) {
        m.dispose();
      }
    }
  }
}
