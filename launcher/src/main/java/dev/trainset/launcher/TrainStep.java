package dev.trainset.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.launcher.training.TrainSettings;
import dev.trainset.launcher.training.Training;
import dev.trainset.launcher.training.TrainingSet;
import java.io.PrintWriter;

/** Runs the training step and prints its {@code TRAINSET_RESULT} line, alone or inside a run's. */
final class TrainStep {
  private TrainStep() {}

  /**
   * @param runResult the run's result line, which gets a {@code training} member; null for {@code trainset train}
   * @return 0; a failed job throws (exit 4) after the result line is printed
   */
  static int run(TrainSettings t, TrainingSet set, Lines lines, PrintWriter out, ResultLine resultLine, ObjectNode runResult) {
    print(out, resultLine, runResult, train(t, set, lines, out, resultLine, runResult));
    return 0;
  }

  /**
   * Runs the step without printing the result line when it succeeds (a run's evaluation follows it).
   *
   * @return the {@code training} member of the result line
   */
  static ObjectNode train(TrainSettings t, TrainingSet set, Lines lines, PrintWriter out, ResultLine resultLine, ObjectNode runResult) {
    ObjectNode training;
    try {
      training = Training.run(t, set, lines::info, Trainset.version());
    } catch (Training.TrainingFailed e) {
      print(out, resultLine, runResult, e.result());
      throw e;
    }
    if (training.has("jobStatus")) {
      lines.info("training job " + training.get("jobName").asText() + " " + training.get("jobStatus").asText()
          + (training.has("model") ? ": model at " + training.get("model").asText() : ""));
    } else {
      lines.info("training job " + training.get("jobName").asText() + " submitted (not waiting: --wait follows it)");
    }
    return training;
  }

  private static void print(PrintWriter out, ResultLine resultLine, ObjectNode runResult, ObjectNode training) {
    ObjectNode line = runResult == null ? training : runResult.set("training", training);
    resultLine.print(out, line == null ? new ObjectMapper().createObjectNode() : line);
  }
}
