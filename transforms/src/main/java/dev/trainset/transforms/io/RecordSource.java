package dev.trainset.transforms.io;

import dev.trainset.transforms.parse.KindCounter;
import dev.trainset.transforms.parse.TypedRow;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * The records of one slice, read one at a time and seen two ways: as source fields (what the input wrote, for
 * schema inference and for the identity hashes the split uses) and as a typed row of the run's schema. Every field
 * of a record has a name index into {@link #names()}.
 *
 * <p>A record that cannot be parsed comes back {@link #isBad bad} with its raw text and reason; one whose values do
 * not fit the schema makes {@link #type} throw {@link dev.trainset.transforms.parse.BadValue}. An {@link IOException}
 * from {@link #next} means the rest of the slice cannot be read, and says where.
 */
public interface RecordSource extends Closeable {
  /** Source column names by name index: a CSV header, ARFF attributes, or JSON fields in the order met. */
  List<String> names();

  boolean next() throws IOException;

  /**
   * The current record's fields that are not in the schema, after {@code type}, when the format counts them instead of
   * turning the record away (JSON messages of a stream); empty otherwise.
   */
  default List<String> extraFields() {
    return List.of();
  }

  /** Where the record is: its first line in the file, or its index for records that are not lines. */
  long position();

  /** What {@link #position} counts: {@code line} or {@code record}. */
  String positionUnit();

  boolean isBad();

  String badReason();

  /** The record's text as read (for a bad record), or as close to it as the format allows. */
  String raw();

  /** Fields in the current record. */
  int fieldCount();

  /** The name index of field {@code k}. */
  int nameIndex(int k);

  boolean isMissing(int k);

  /** The identity hash of field {@code k}'s value ({@link dev.trainset.transforms.split.ValueHash}). */
  long hash(int k);

  /** Field {@code k}'s value as the source wrote it: a String for text formats, the JSON value, ARFF's typed value. */
  Object token(int k);

  /** Adds the record's values to the inference tallies ({@code position} orders first appearances). */
  void countKinds(KindCounter kinds, long position);

  /**
   * Types the record into a row of the schema the source was opened with.
   *
   * @throws dev.trainset.transforms.parse.BadValue when a value does not fit
   */
  void type(TypedRow out);
}
