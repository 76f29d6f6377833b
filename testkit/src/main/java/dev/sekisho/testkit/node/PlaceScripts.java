package dev.sekisho.testkit.node;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The effect of Tekton's {@code place-scripts} init container ({@code pkg/pod/script.go} in
 * tektoncd/pipeline v1.6.0): its {@code sh -c} program is a sequence of blocks, each writing one
 * file with a quoted heredoc:
 *
 * <pre>
 * scriptfile="/tekton/scripts/script-0-abcde"
 * touch ${scriptfile} &amp;&amp; chmod +x ${scriptfile}
 * cat &gt; ${scriptfile} &lt;&lt; '_EOF_'
 * BASE64 OF THE SCRIPT
 * _EOF_
 * /tekton/bin/entrypoint decode-script "${scriptfile}"
 * </pre>
 *
 * (step and sidecar scripts, base64 so Kubernetes does not expand {@code $(…)} in them; the decode
 * is Go's {@code base64.StdEncoding}, which skips newlines) or the same with {@code tmpfile=} and
 * no decode line (debug scripts, plain text). Parsing the blocks instead of running the program
 * avoids needing a host {@code entrypoint} binary; anything else in the program is refused, so an
 * unknown Tekton change fails loudly.
 */
public final class PlaceScripts {
  private static final Pattern BLOCK =
      Pattern.compile(
          "(scriptfile|tmpfile)=\"([^\"]+)\"\n"
              + "touch \\$\\{\\1\\} && chmod \\+x \\$\\{\\1\\}\n"
              + "cat > \\$\\{\\1\\} << '([^'\n]+)'\n"
              + "(.*?)\n\\3\n"
              + "(/tekton/bin/entrypoint decode-script \"\\$\\{\\1\\}\"\n)?",
          Pattern.DOTALL);

  private PlaceScripts() {}

  /** One file the init container writes (mode 0755). */
  public record ScriptFile(String path, byte[] content) {
    /** The content as UTF-8 text. */
    public String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  /**
   * Whether {@code command}/{@code args} look like the {@code place-scripts} program ({@code sh -c
   * PROGRAM}).
   */
  public static boolean isPlaceScripts(List<String> command, List<String> args) {
    List<String> all = new ArrayList<>(command);
    all.addAll(args);
    return all.size() == 3
        && all.get(0).equals("sh")
        && all.get(1).equals("-c")
        && BLOCK.matcher(all.get(2)).lookingAt();
  }

  /**
   * The files the program writes, in order.
   *
   * @throws IllegalArgumentException naming the first part of the program that is not a known
   *     block, or a script that is not valid base64
   */
  public static List<ScriptFile> parse(String program) {
    List<ScriptFile> files = new ArrayList<>();
    Matcher m = BLOCK.matcher(program);
    int pos = 0;
    while (pos < program.length()) {
      m.region(pos, program.length());
      if (!m.lookingAt()) {
        String rest = program.substring(pos);
        throw new IllegalArgumentException(
            "place-scripts: unsupported shell at offset "
                + pos
                + ": "
                + (rest.length() > 80 ? rest.substring(0, 80) + "…" : rest));
      }
      String path = m.group(2);
      String body = m.group(4);
      byte[] content;
      if (m.group(5) != null) {
        if (!m.group(1).equals("scriptfile")) {
          throw new IllegalArgumentException("place-scripts: decode-script of a tmpfile: " + path);
        }
        try {
          content = Base64.getMimeDecoder().decode(body.strip());
          // the MIME decoder skips any non-alphabet byte; insist on the base64 alphabet
          if (!body.strip().matches("[A-Za-z0-9+/=\r\n]*")) {
            throw new IllegalArgumentException("characters outside the base64 alphabet");
          }
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "place-scripts: error decoding script file \"" + path + "\": " + e.getMessage(), e);
        }
      } else {
        content = (body + "\n").getBytes(StandardCharsets.UTF_8);
      }
      files.add(new ScriptFile(path, content));
      pos = m.end();
    }
    return files;
  }
}
