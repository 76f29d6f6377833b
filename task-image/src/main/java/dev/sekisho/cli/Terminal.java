package dev.sekisho.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the process is attached to: colour only on a terminal without NO_COLOR, progress only when
 * stderr is a terminal (so CI logs stay quiet).
 *
 * @param stdoutTty standard output is a terminal
 * @param stderrTty standard error is a terminal
 * @param noColor NO_COLOR is set (https://no-color.org)
 */
public record Terminal(boolean stdoutTty, boolean stderrTty, boolean noColor) {

  /** Not a terminal (tests, pipes, CI). */
  public static final Terminal NONE = new Terminal(false, false, true);

  /** Colour on standard output. */
  public boolean colorOnStdout() {
    return stdoutTty && !noColor;
  }

  /** Detects the process's terminal from /proc (Linux) or, failing that, System.console(). */
  public static Terminal detect(Map<String, String> env) {
    boolean noColor = env.get("NO_COLOR") != null && !env.get("NO_COLOR").isEmpty();
    boolean dumb = "dumb".equals(env.get("TERM"));
    return new Terminal(!dumb && isTty(1), !dumb && isTty(2), noColor || dumb);
  }

  private static boolean isTty(int fd) {
    Path link = Path.of("/proc/self/fd/" + fd);
    try {
      if (Files.isSymbolicLink(link)) {
        String target = Files.readSymbolicLink(link).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      }
    } catch (Exception e) {
      // fall through: not Linux, or /proc unreadable
    }
    return System.console() != null;
  }
}
