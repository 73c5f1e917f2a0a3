package dev.trainset.launcher.training;

/**
 * What the training step did.
 *
 * @param jobName the job's name (derived from the run id)
 * @param jobId the SageMaker job ARN, or the Azure ML job's studio URL (else its ARM URL)
 * @param created whether this attempt created the job (false: an earlier attempt had)
 * @param end the final status, or null without {@code --wait}
 * @param model the model artifacts' URI, when the service reports one
 */
public record Outcome(String jobName, String jobId, boolean created, JobStatus end, String model) {}
