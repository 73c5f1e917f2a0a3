package dev.trainset.transforms.errors;

import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/** Writes rejected records as JSON Lines ({@code rejected-SSSSS-of-NNNNN.jsonl}) under a folder; nothing when none. */
public final class WriteRejected extends PTransform<PCollection<RejectedRecord>, WriteFilesResult<Void>> {
  private final String directory;

  private WriteRejected(String directory) {
    this.directory = directory;
  }

  /** {@code directory} must end with a separator ({@code out/rejected/}). */
  public static WriteRejected to(String directory) {
    return new WriteRejected(directory);
  }

  @Override
  public WriteFilesResult<Void> expand(PCollection<RejectedRecord> rejected) {
    return rejected
        .apply("ToJson", MapElements.into(TypeDescriptors.strings()).via(RejectedRecord::toJson))
        .apply(
            "WriteJsonLines",
            TextIO.write()
                .to(directory + "rejected")
                .withSuffix(".jsonl")
                .<Void>withOutputFilenames()
                .skipIfEmpty());
  }
}
