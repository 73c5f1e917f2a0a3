package dev.trainset.launcher;

/**
 * Quiet logs by default (warnings only, so the user sees trainset's own lines); {@code --verbose} shows Beam's and
 * the runner's info logs. slf4j-simple reads these properties when the first logger is created.
 */
final class Logging {
  private Logging() {}

  static void configure(boolean verbose) {
    setDefault("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
    setDefault("org.slf4j.simpleLogger.logFile", "System.err");
    setDefault("org.slf4j.simpleLogger.showDateTime", "true");
    setDefault("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    // Hadoop's native-library and Parquet's codec notices are not actionable for users.
    setDefault("org.slf4j.simpleLogger.log.org.apache.hadoop", verbose ? "info" : "error");
    // Beam's file sinks warn when a bundle left no temporary files to clean up: expected, not actionable.
    setDefault("org.slf4j.simpleLogger.log.org.apache.beam.sdk.io.FileBasedSink", verbose ? "info" : "error");
    // Embedded Flink warns at every start about what a mini-cluster does not have (a Hadoop configuration,
    // delegation tokens, a log file for its web UI), about long operator names (Beam's step names) and about JVM
    // shutdown hooks at exit: none of it actionable. A failing job still fails the run with its cause.
    setDefault("org.slf4j.simpleLogger.log.org.apache.flink", verbose ? "info" : "error");
    setDefault("org.slf4j.simpleLogger.log.org.apache.pekko.actor.CoordinatedShutdown", verbose ? "info" : "error");
    // Beam's Flink runner logs a failed job's whole stack trace at ERROR before rethrowing it; the run's one error
    // line gives the cause (a TaskManager lost mid-run printed some 90 lines of trace).
    setDefault("org.slf4j.simpleLogger.log.org.apache.beam.runners.flink.FlinkRunner", verbose ? "info" : "off");
    // Beam 2.62's KafkaIO records lineage while Flink's split enumerator plans the source, outside a metrics
    // context, and MetricsEnvironment logs that at ERROR with a stack trace; harmless (lineage is not used here).
    setDefault("org.slf4j.simpleLogger.log.org.apache.beam.sdk.metrics.MetricsEnvironment", verbose ? "info" : "off");
    // The Kafka client prints its whole configuration at INFO and logs each failure it then throws (a refused
    // login: three lines and a trace); trainset reports the failure as its one line.
    setDefault("org.slf4j.simpleLogger.log.org.apache.kafka", verbose ? "info" : "off");
    // KafkaIO's reader warns, with a stack trace, when an offset commit races with its shutdown at the end of a drain
    // (WakeupException); the next checkpoint's commit, or the next run's start, covers those offsets.
    setDefault("org.slf4j.simpleLogger.log.org.apache.beam.sdk.io.kafka", verbose ? "info" : "error");
    // Beam says it cannot check the equals of KinesisIO's checkpoint type (a note for runner authors), and KinesisIO
    // warns, with a stack trace, of each throttled or transient read, which it retries.
    setDefault("org.slf4j.simpleLogger.log.org.apache.beam.sdk.coders.SerializableCoder", verbose ? "info" : "error");
    setDefault("org.slf4j.simpleLogger.log.org.apache.beam.sdk.io.aws2.kinesis", verbose ? "info" : "error");
    // The Azure SDK logs each failure it throws at ERROR; trainset reports it as its one error line.
    setDefault("org.slf4j.simpleLogger.log.com.azure", verbose ? "info" : "off");
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
