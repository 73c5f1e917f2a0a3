package dev.trainset.transforms.slice;

import dev.trainset.transforms.io.RecordSource;
import dev.trainset.transforms.parse.TableSchema;
import dev.trainset.transforms.parse.TypedRow;
import dev.trainset.transforms.prepare.Preparation;

/**
 * Types, classifies and prepares one record. Both passes over a slice use it, so the first pass counts exactly the
 * rows the writing pass writes and turns away the same ones (the run checks the written counts against the plan).
 * Not thread-safe: one per slice.
 */
final class RowPreparer {
  private final TableSchema schema;
  private final Preparation prep;
  private final LabelClasses classes;
  private final int labelColumn;
  private final TypedRow typed;
  private final TypedRow prepared;
  private LabelClasses.Entry label;
  private String reason;
  private String stage;

  RowPreparer(TableSchema schema, Preparation prep, LabelClasses classes) {
    this.schema = schema;
    this.prep = prep;
    this.classes = classes;
    this.labelColumn = prep.labelSource();
    this.typed = new TypedRow(schema.size());
    this.prepared = new TypedRow(prep.output().size());
  }

  /** Prepares the current record of {@code r}; false when it is turned away ({@link #reason}, {@link #stage}). */
  boolean prepare(RecordSource r) {
    label = null;
    try {
      r.type(typed);
    } catch (IllegalArgumentException e) {
      return reject(e.getMessage(), "read");
    }
    try {
      if (labelColumn >= 0 && classes != null) {
        label = classes.of(typed.value(labelColumn, schema.column(labelColumn)));
        if (label.rejected() != null) {
          return reject(label.rejected(), "prepare");
        }
      }
      prep.apply(typed, prepared, label == null ? null : label.prepared());
    } catch (Preparation.Rejected | IllegalArgumentException e) {
      return reject(e.getMessage(), "prepare");
    }
    return true;
  }

  private boolean reject(String why, String where) {
    reason = why;
    stage = where;
    return false;
  }

  /** The prepared row (valid after {@link #prepare} returned true). */
  TypedRow prepared() {
    return prepared;
  }

  /** The typed row before preparation (valid after {@link #prepare} returned true). */
  TypedRow typed() {
    return typed;
  }

  /** The row's label class, or null without a label (or without classes to look it up in). */
  LabelClasses.Entry label() {
    return label;
  }

  String reason() {
    return reason;
  }

  /** Where the row was turned away: {@code read} (a value of the wrong type) or {@code prepare}. */
  String stage() {
    return stage;
  }
}
