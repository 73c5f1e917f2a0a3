package dev.trainset.launcher;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code trainset run} as a main class of its own, for launchers that call a Beam pipeline's main class with only
 * {@code --name=value} options and no subcommand, such as Airflow's BeamRunJavaPipelineOperator:
 * {@code java -cp trainset.jar dev.trainset.launcher.RunMain --config=run.yaml --date=2026-01-31}.
 */
public final class RunMain {
  private RunMain() {}

  public static void main(String[] args) {
    System.setProperty(dev.trainset.launcher.storage.AzureClients.LAUNCHER_PROPERTY, "true");
    List<String> all = new ArrayList<>(List.of("run"));
    all.addAll(List.of(args));
    System.exit(Trainset.execute(all.toArray(new String[0]), System.out, System.err));
  }
}
