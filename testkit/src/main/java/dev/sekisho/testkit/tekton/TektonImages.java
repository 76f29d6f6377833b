package dev.sekisho.testkit.tekton;

import dev.sekisho.testkit.fixtures.Descriptor;
import dev.sekisho.testkit.fixtures.ExternalTool;
import dev.sekisho.testkit.fixtures.ImageConfig;
import dev.sekisho.testkit.fixtures.Layer;
import dev.sekisho.testkit.fixtures.LayerBuilder;
import dev.sekisho.testkit.fixtures.OciLayoutWriter;
import dev.sekisho.testkit.fixtures.Platform;
import dev.sekisho.testkit.registry.TestRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tekton Pipelines' own images, built on this machine from the binaries {@code
 * hack/tekton-binaries.sh} compiles from Tekton's Go module, and a static busybox (Debian's {@code
 * busybox-static}) as the shell image. Nothing is downloaded.
 *
 * <p>The four ko-built images ({@link Command}) are laid out as Tekton's release builds them with
 * ko on its default base image: a base layer with {@code /etc/passwd} and {@code /etc/group} naming
 * {@code root} and {@code nonroot} ({@value #USER}), {@code /home/nonroot} owned by that user and a
 * world-writable {@code /tmp}; an application layer with the binary at {@code /ko-app/<command>}
 * and ko's (empty) data directory {@value #KO_DATA_PATH}; a config with that binary as entry point,
 * {@code /ko-app} on the {@code PATH}, {@code KO_DATA_PATH}, user {@value #USER} and working
 * directory {@code /home/nonroot}. Tekton's pod specs call the binaries by those paths ({@code
 * /ko-app/entrypoint init …}, {@code /ko-app/workingdirinit}, {@code /ko-app/sidecarlogresults})
 * and run the nop image by its entry point.
 *
 * <p>The shell image (for the {@code place-scripts} init container, which runs {@code sh -c}) is
 * the same base layer plus {@code /bin/busybox} and a symbolic link for every applet the binary
 * lists ({@code busybox --list-full}), entry point {@code /bin/sh}, user {@value #USER}.
 *
 * <p>What differs from Tekton's release images: no CA certificates and no time zone data (none of
 * these binaries makes a TLS connection or formats local times in a pod), one platform (this
 * machine's), no Windows variant, and the shell image is Debian's busybox, not Chainguard's.
 *
 * <pre>{@code
 * TektonImages.References images = TektonImages.of(TektonRelease.fromEnvironment()).push(registry);
 * TektonController.builder(kube).images(images).start();
 * }</pre>
 */
public final class TektonImages {
  private static final Logger log = LoggerFactory.getLogger(TektonImages.class);

  /** The user every image runs as by default: {@code nonroot} of ko's default base image. */
  public static final String USER = "65532";

  /** Where ko puts the application binary. */
  public static final String KO_APP = "/ko-app";

  /** ko's data directory ({@code kodata/} of the command; empty for all of Tekton's). */
  public static final String KO_DATA_PATH = "/var/run/ko";

  /** The repositories in the registry: {@code tektoncd/pipeline/<name>}. */
  public static final String REPOSITORY_PREFIX = "tektoncd/pipeline/";

  /** The shell image's name (repository {@code tektoncd/pipeline/shell}). */
  public static final String SHELL = "shell";

  /** Where the static busybox of Debian's {@code busybox-static} is installed. */
  static final Path DEBIAN_BUSYBOX = Path.of("/bin/busybox");

  private static final String SETUP_HINT = "run hack/setup.sh to install the test tools";
  private static final String PATH_ENV =
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:" + KO_APP;
  private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(5);

  /** What {@link #push} gave, by registry and release: each registry gets the images once. */
  private static final Map<List<Object>, References> PUSHED = new ConcurrentHashMap<>();

  /** A command of Tekton's module that its release ships as a ko-built image. */
  public enum Command {
    /** {@code cmd/entrypoint}: the {@code prepare} init container and every step's wrapper. */
    ENTRYPOINT("entrypoint"),
    /** {@code cmd/nop}: the image stopped sidecars are switched to. */
    NOP("nop"),
    /** {@code cmd/workingdirinit}: the {@code working-dir-initializer} init container. */
    WORKING_DIR_INIT("workingdirinit"),
    /** {@code cmd/sidecarlogresults}: the results sidecar when results-from is sidecar-logs. */
    SIDECAR_LOG_RESULTS("sidecarlogresults");

    private final String binary;

    Command(String binary) {
      this.binary = binary;
    }

    /** The command's directory name under {@code cmd/}, its binary and its image name. */
    public String binary() {
      return binary;
    }

    /** {@code /ko-app/<binary>}, the path Tekton's pod specs use. */
    public String koPath() {
      return KO_APP + "/" + binary;
    }
  }

  /**
   * The images Tekton's controller puts into pods, one per controller flag.
   *
   * @param entrypoint {@code -entrypoint-image}
   * @param nop {@code -nop-image}
   * @param workingDirInit {@code -workingdirinit-image}
   * @param sidecarLogResults {@code -sidecarlogresults-image}
   * @param shell {@code -shell-image}
   * @param shellWindows {@code -shell-image-win} (never built: no Windows node here)
   */
  public record References(
      String entrypoint,
      String nop,
      String workingDirInit,
      String sidecarLogResults,
      String shell,
      String shellWindows) {

    /**
     * Names under the reserved {@code .invalid} domain that nothing can pull: what the controller
     * gets when no images are built (the node emulation recognises containers by their command).
     */
    public static References placeholders() {
      return new References(
          "tekton.invalid/entrypoint:v1",
          "tekton.invalid/nop:v1",
          "tekton.invalid/workingdirinit:v1",
          "tekton.invalid/sidecarlogresults:v1",
          "tekton.invalid/shell:v1",
          "tekton.invalid/powershell:v1");
    }

    /** The reference of a ko-built image. */
    public String of(Command command) {
      return switch (command) {
        case ENTRYPOINT -> entrypoint;
        case NOP -> nop;
        case WORKING_DIR_INIT -> workingDirInit;
        case SIDECAR_LOG_RESULTS -> sidecarLogResults;
      };
    }

    /** The controller's flags naming these images, as in Tekton's controller Deployment. */
    public List<String> controllerFlags() {
      return List.of(
          "-entrypoint-image=" + entrypoint,
          "-nop-image=" + nop,
          "-sidecarlogresults-image=" + sidecarLogResults,
          "-workingdirinit-image=" + workingDirInit,
          "-shell-image=" + shell,
          "-shell-image-win=" + shellWindows);
    }
  }

  private final TektonRelease release;
  private final Path busybox;
  private final Platform platform;

  private TektonImages(TektonRelease release, Path busybox, Platform platform) {
    this.release = release;
    this.busybox = busybox;
    this.platform = platform;
  }

  /**
   * The images of {@code release}, with Debian's static busybox.
   *
   * @throws IllegalStateException when a binary is missing (naming the script that builds it), or
   *     the busybox is missing or dynamically linked
   */
  public static TektonImages of(TektonRelease release) {
    return of(release, DEBIAN_BUSYBOX);
  }

  /** As {@link #of(TektonRelease)}, with the static busybox at {@code busybox}. */
  public static TektonImages of(TektonRelease release, Path busybox) {
    List<Path> missing = new ArrayList<>();
    for (Command c : Command.values()) {
      if (!Files.isExecutable(release.binary(c.binary()))) {
        missing.add(release.binary(c.binary()));
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "Tekton Pipelines v"
              + release.version()
              + " image binaries missing: "
              + missing
              + ". Build them with hack/tekton-binaries.sh (hack/setup.sh runs it).");
    }
    requireStaticExecutable(busybox);
    return new TektonImages(release, busybox, hostPlatform());
  }

  /** The platform of every image: this machine's (the binaries are built for it). */
  public Platform platform() {
    return platform;
  }

  /**
   * Writes the four ko-built images and the shell image into an OCI image layout in {@code dir},
   * each tagged with its name ({@link Command#binary()} or {@value #SHELL}).
   *
   * @return each image's manifest by name
   */
  public Map<String, Descriptor> writeLayout(Path dir) {
    OciLayoutWriter oci = OciLayoutWriter.create(dir);
    Layer base = oci.writeLayer(baseLayer());
    Map<String, Descriptor> manifests = new LinkedHashMap<>();
    for (Command c : Command.values()) {
      Layer app =
          oci.writeLayer(
              new LayerBuilder("ko: " + c.koPath())
                  .file(c.koPath(), release.binary(c.binary()), 0755)
                  .directory(KO_DATA_PATH));
      ImageConfig config =
          new ImageConfig(
              platform,
              USER,
              List.of(),
              List.of(PATH_ENV, "KO_DATA_PATH=" + KO_DATA_PATH),
              List.of(c.koPath()),
              List.of(),
              "/home/nonroot",
              Map.of(),
              null);
      Descriptor manifest = oci.writeImage(config, List.of(base, app));
      oci.tag(manifest, c.binary());
      manifests.put(c.binary(), manifest);
    }
    Layer shell = oci.writeLayer(shellLayer());
    Descriptor manifest =
        oci.writeImage(
            ImageConfig.of(platform).withUser(USER).withEntrypoint("/bin/sh"),
            List.of(base, shell));
    oci.tag(manifest, SHELL);
    manifests.put(SHELL, manifest);
    oci.finish();
    return manifests;
  }

  /**
   * Builds the images and pushes them to {@code registry} as {@code
   * tektoncd/pipeline/<name>:v<version>}, keeping their digests; once per registry and release in a
   * JVM (later calls return the same references).
   *
   * @return references by digest, as Tekton's release names its images
   */
  public References push(TestRegistry registry) {
    return PUSHED.computeIfAbsent(
        List.of(registry, release.directory()), key -> buildAndPush(registry));
  }

  private References buildAndPush(TestRegistry registry) {
    long began = System.nanoTime();
    Path dir;
    try {
      dir = Files.createTempDirectory("sekisho-tekton-images-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for Tekton's images", e);
    }
    try {
      Map<String, Descriptor> manifests = writeLayout(dir);
      long built = System.nanoTime();
      ExternalTool skopeo = ExternalTool.require("skopeo", SETUP_HINT);
      String tag = "v" + release.version();
      Map<String, String> references = new LinkedHashMap<>();
      for (Map.Entry<String, Descriptor> image : manifests.entrySet()) {
        String repository = REPOSITORY_PREFIX + image.getKey();
        List<String> args =
            new ArrayList<>(
                List.of("copy", "--quiet", "--preserve-digests", "--dest-tls-verify=false"));
        registry.credentials().ifPresent(c -> args.addAll(List.of("--dest-creds", c.colonForm())));
        args.add("oci:" + dir + ":" + image.getKey());
        args.add("docker://" + registry.tagReference(repository, tag));
        skopeo.run(dir, Map.of(), TOOL_TIMEOUT, args);
        references.put(
            image.getKey(), registry.digestReference(repository, image.getValue().digest()));
      }
      log.info(
          "built Tekton v{} images in {} ms, pushed to {} in {} ms",
          release.version(),
          (built - began) / 1_000_000,
          registry.hostPort(),
          (System.nanoTime() - built) / 1_000_000);
      return new References(
          references.get(Command.ENTRYPOINT.binary()),
          references.get(Command.NOP.binary()),
          references.get(Command.WORKING_DIR_INIT.binary()),
          references.get(Command.SIDECAR_LOG_RESULTS.binary()),
          references.get(SHELL),
          References.placeholders().shellWindows());
    } finally {
      deleteTree(dir);
    }
  }

  /** What ko's default base image gives every image: users, a home and {@code /tmp}. */
  static LayerBuilder baseLayer() {
    return new LayerBuilder("base: users root and nonroot (" + USER + "), /home/nonroot, /tmp")
        .file(
            "etc/passwd",
            "root:x:0:0:root:/root:/sbin/nologin\n"
                + "nonroot:x:"
                + USER
                + ":"
                + USER
                + ":nonroot:/home/nonroot:/sbin/nologin\n")
        .file("etc/group", "root:x:0:\nnonroot:x:" + USER + ":\n")
        .directory("root", 0700, 0, 0)
        .directory("home/nonroot", 0755, Integer.parseInt(USER), Integer.parseInt(USER))
        .directory("tmp", 01777, 0, 0);
  }

  /** {@code /bin/busybox} and a link to it for every applet it has. */
  private LayerBuilder shellLayer() {
    LayerBuilder layer =
        new LayerBuilder("busybox: /bin/busybox and its applets")
            .file("bin/busybox", busybox, 0755);
    String list = new ExternalTool("busybox", busybox).run(null, TOOL_TIMEOUT, "--list-full");
    for (String line : list.split("\n")) {
      String applet = line.strip();
      if (!applet.isEmpty() && !applet.equals("bin/busybox")) {
        layer.symlink(applet, "/bin/busybox");
      }
    }
    return layer;
  }

  /**
   * Fails unless {@code file} is an executable ELF file without a program interpreter: the images
   * have no C library, so a dynamically linked busybox would not start in them.
   */
  static void requireStaticExecutable(Path file) {
    if (!Files.isRegularFile(file) || !Files.isExecutable(file)) {
      throw new IllegalStateException(
          "no static busybox at "
              + file
              + ": install Debian's busybox-static ("
              + SETUP_HINT
              + ")");
    }
    try (FileChannel channel = FileChannel.open(file)) {
      ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
      channel.read(header, 0);
      if (header.position() < 64
          || header.getInt(0) != 0x464c457f // \x7fELF, read little-endian
          || header.get(4) != 2 // ELFCLASS64
          || header.get(5) != 1) { // little-endian
        throw new IllegalStateException(
            file + " is not a 64-bit little-endian ELF executable; the shell image needs one");
      }
      long programHeaders = header.getLong(0x20);
      int entrySize = Short.toUnsignedInt(header.getShort(0x36));
      int count = Short.toUnsignedInt(header.getShort(0x38));
      ByteBuffer entry = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < count; i++) {
        entry.clear();
        channel.read(entry, programHeaders + (long) i * entrySize);
        if (entry.getInt(0) == 3) { // PT_INTERP: a dynamic loader is needed
          throw new IllegalStateException(
              file
                  + " is dynamically linked; the shell image has no C library: install Debian's"
                  + " busybox-static instead of busybox");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static Platform hostPlatform() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "amd64", "x86_64" -> Platform.LINUX_AMD64;
      case "aarch64", "arm64" -> Platform.LINUX_ARM64;
      default ->
          throw new IllegalStateException(
              "Tekton's images are built for linux/amd64 and linux/arm64 only; this machine is "
                  + arch);
    };
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // best effort: a temporary directory
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // best effort
    }
  }
}
