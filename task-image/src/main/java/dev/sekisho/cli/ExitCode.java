package dev.sekisho.cli;

import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.image.oci.InvalidReferenceException;
import dev.sekisho.scanner.input.DocumentException;
import dev.sekisho.scanner.policy.PolicyFileException;
import dev.sekisho.scanner.sbom.SbomFormatException;
import picocli.CommandLine;

/**
 * The exit codes of every {@code sekisho} command, decided here and nowhere else.
 *
 * <ul>
 *   <li>0: the image passed (or only Warn policies were violated), or the command succeeded
 *   <li>1: an Enforce policy failed
 *   <li>2: usage or input error: bad flags, unreadable or invalid policy file, malformed image
 *       reference, missing file
 *   <li>3: scanner or infrastructure error: registry unreachable, database missing with --offline,
 *       a failure inside the scanner
 * </ul>
 */
public enum ExitCode {
  PASS(0),
  POLICY_FAILURE(1),
  USAGE(2),
  SCANNER_ERROR(3);

  // The lines of the "Exit codes:" help section (annotation values must be constants).
  static final String HELP_0 = "0:passed (or only Warn policies were violated); command succeeded";
  static final String HELP_1 = "1:an Enforce policy failed";
  static final String HELP_2 =
      "2:usage or input error (bad flags, invalid policy file, malformed image reference,"
          + " missing file)";
  static final String HELP_3 =
      "3:scanner or infrastructure error (registry unreachable, database missing with"
          + " --offline, …)";

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  /** The process exit status. */
  public int code() {
    return code;
  }

  /** The exit code for a policy verdict: only Fail fails; Error is a scanner error. */
  public static ExitCode of(Verdict verdict) {
    return switch (verdict) {
      case Pass, Warn -> PASS;
      case Fail -> POLICY_FAILURE;
      case Error -> SCANNER_ERROR;
    };
  }

  /** The exit code for an exception that ended a command. */
  public static ExitCode of(Throwable e) {
    if (userDocument(e)) {
      return USAGE; // a file the user gave is too large or malformed, whoever read it
    }
    if (e instanceof UserInputException
        || e instanceof CommandLine.ParameterException
        || e instanceof InvalidReferenceException
        || e instanceof PolicyFileException
        || e instanceof SbomFormatException) {
      return USAGE;
    }
    if (e instanceof ImageAccessException access) {
      return switch (access.reason()) {
        // the image, tag, file or platform the user named does not exist
        case NOT_FOUND, PLATFORM_NOT_FOUND -> USAGE;
        // credentials, registry availability, corrupt or unsupported content, I/O
        default -> SCANNER_ERROR;
      };
    }
    return SCANNER_ERROR;
  }

  private static boolean userDocument(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DocumentException) {
        return true;
      }
    }
    return false;
  }

  /** True when the exception is the user's doing (the message is enough, no stack trace). */
  static boolean expected(Throwable e) {
    return userDocument(e)
        || e instanceof UserInputException
        || e instanceof CommandLine.ParameterException
        || e instanceof InfrastructureException
        || e instanceof InvalidReferenceException
        || e instanceof PolicyFileException
        || e instanceof SbomFormatException
        || e instanceof ImageAccessException;
  }
}
