package dev.trainset.launcher.training;

/**
 * A training job's state as a service reports it.
 *
 * @param status the service's status ({@code InProgress}, {@code Completed}, {@code Running}...)
 * @param detail the secondary status, or null
 * @param terminal whether the job has ended
 * @param succeeded whether it ended well
 * @param failureReason the service's reason, for a failed or stopped job
 */
public record JobStatus(String status, String detail, boolean terminal, boolean succeeded, String failureReason) {}
