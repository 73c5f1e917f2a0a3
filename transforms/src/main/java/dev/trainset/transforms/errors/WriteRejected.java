package dev.trainset.transforms.errors;

import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Writes rejected records as JSON Lines ({@code rejected-SSSSS-of-NNNNN.jsonl}) under a folder; nothing when none.
 * Files are written to a temporary folder first and renamed into place once all are complete; by default that
 * folder is inside the destination (Beam's {@code .temp-beam-*}), {@link #withTempDirectory} moves it elsewhere so a
 * run killed midway leaves nothing in the destination folder.
 */
public final class WriteRejected extends PTransform<PCollection<RejectedRecord>, WriteFilesResult<Void>> {
  private final String directory;
  private final String tempDirectory;

  private WriteRejected(String directory, String tempDirectory) {
    this.directory = directory;
    this.tempDirectory = tempDirectory;
  }

  /** {@code directory} must end with a separator ({@code out/rejected/}). */
  public static WriteRejected to(String directory) {
    return new WriteRejected(directory, null);
  }

  /** Writes the temporary files under {@code tempDirectory} (a folder, ending with a separator). */
  public WriteRejected withTempDirectory(String tempDirectory) {
    return new WriteRejected(directory, tempDirectory);
  }

  @Override
  public WriteFilesResult<Void> expand(PCollection<RejectedRecord> rejected) {
    TextIO.TypedWrite<String, Void> write =
        TextIO.write().to(directory + "rejected").withSuffix(".jsonl").<Void>withOutputFilenames().skipIfEmpty();
    if (tempDirectory != null) {
      write = write.withTempDirectory(FileSystems.matchNewResource(tempDirectory, true));
    }
    return rejected
        .apply("ToJson", MapElements.into(TypeDescriptors.strings()).via(RejectedRecord::toJson))
        .apply("WriteJsonLines", write);
  }
}
