package dev.trainset.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine;

/** The {@code trainset} command: {@code run}, {@code schema}, {@code --version}, {@code --help}. */
@Command(
    name = "trainset",
    mixinStandardHelpOptions = true,
    versionProvider = Trainset.Version.class,
    description = "Turns raw data (CSV, ARFF, JSON) into ready-to-train training sets on Apache Beam.",
    subcommands = {RunCommand.class, StreamCommand.class, ValidateCommand.class, SchemaCommand.class, ExportCommand.class, TrainCommand.class, EvaluateCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:internal error (a bug or an environment failure; --verbose shows the stack trace)",
      "2:usage or configuration error",
      "3:data error (input missing or empty, too many rejected records, a training set that does not match its manifest)",
      "4:the training job failed, stopped or was canceled"
    })
public final class Trainset implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.setProperty(dev.trainset.launcher.storage.AzureClients.LAUNCHER_PROPERTY, "true");
    // Library logs (--verbose) and stack traces go to System.err too: they get the same escaping.
    PrintStream out = terminalSafe(System.out);
    PrintStream err = terminalSafe(System.err);
    System.setOut(out);
    System.setErr(err);
    System.exit(start(args, out, err));
  }

  /** Runs the command line; returns the exit code. Tests call this. */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    return start(args, terminalSafe(out), terminalSafe(err));
  }

  private static int start(String[] args, PrintStream out, PrintStream err) {
    boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
    Logging.configure(verbose);
    CommandLine cli = new CommandLine(new Trainset());
    // UTF-8 whatever the platform's default, so that TerminalSafeStream sees (and escapes) C1 controls.
    cli.setOut(new java.io.PrintWriter(new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8), true));
    cli.setErr(new java.io.PrintWriter(new java.io.OutputStreamWriter(err, java.nio.charset.StandardCharsets.UTF_8), true));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(new Errors(err, verbose, Lines.fromArgs(args)));
    cli.setParameterExceptionHandler(
        (ex, a) -> {
          err.println("trainset: error: " + ex.getMessage());
          err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
          return Errors.failed(ex.getCommandLine(), 2, ex.getMessage());
        });
    return cli.execute(args);
  }

  /** A stream that escapes the control characters of what is printed ({@link TerminalSafeStream}). */
  private static PrintStream terminalSafe(PrintStream s) {
    return new PrintStream(new TerminalSafeStream(s), true, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static String version() {
    Properties p = new Properties();
    try (InputStream in = Trainset.class.getResourceAsStream("/trainset.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // fall through
    }
    return p.getProperty("version", "dev");
  }

  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"trainset " + version(), "Apache Beam " + org.apache.beam.sdk.util.ReleaseInfo.getReleaseInfo().getVersion(), "Java " + System.getProperty("java.version")};
    }
  }
}
