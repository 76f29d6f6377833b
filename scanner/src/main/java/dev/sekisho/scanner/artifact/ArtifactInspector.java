package dev.sekisho.scanner.artifact;

import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.applier.LayerMerger;
import dev.sekisho.scanner.applier.LayerMerger.MergedFile;
import dev.sekisho.scanner.applier.LinkedFiles;
import dev.sekisho.scanner.applier.PackagePostProcessor;
import dev.sekisho.scanner.cache.FileLayerCache;
import dev.sekisho.scanner.cache.LayerCache;
import dev.sekisho.scanner.image.oci.Digest;
import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.image.oci.ImageConfig;
import dev.sekisho.scanner.image.oci.ResolvedImage;
import dev.sekisho.scanner.image.registry.RegistryClient;
import dev.sekisho.scanner.image.source.ImageSource;
import dev.sekisho.scanner.image.source.ImageSources;
import dev.sekisho.scanner.image.source.Target;
import dev.sekisho.scanner.layer.LayerResult;
import dev.sekisho.scanner.layer.LayerWalker;
import dev.sekisho.scanner.layer.SpillLimits;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.InstalledFile;
import dev.sekisho.scanner.model.Inventory;
import dev.sekisho.scanner.model.LayerInfo;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.ScanWarning;
import dev.sekisho.scanner.model.SecretFinding;
import dev.sekisho.scanner.secret.InstalledFiles;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a target into an {@link Inventory}: resolves the image, reads each layer once (or takes its
 * result from the per-layer cache), bounded-parallel, merges the layers with the applier, and
 * collects the image facts from the reference, manifest and config.
 */
public final class ArtifactInspector {
  private static final Logger LOG = LoggerFactory.getLogger(ArtifactInspector.class);
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final List<String> OS_RELEASE_PRIORITY =
      List.of("etc/os-release", "usr/lib/os-release");

  /**
   * Inspects a target. Registry targets use a new {@link RegistryClient} built from {@link
   * InspectOptions#registry()}.
   *
   * @throws IllegalArgumentException for an {@code sbom:} target (read it with the SBOM reader)
   * @throws ImageAccessException when the image cannot be read (see its reason)
   * @throws IOException on other I/O failures
   */
  public Inventory inspect(Target target, InspectOptions options) throws IOException {
    if (target.kind() != Target.Kind.REGISTRY) {
      return inspect(target, options, null);
    }
    try (RegistryClient client = new RegistryClient(options.registry())) {
      return inspect(target, options, client);
    }
  }

  /** Inspects a target with a given registry client (shared between scans, or counted in tests). */
  public Inventory inspect(Target target, InspectOptions options, RegistryClient client)
      throws IOException {
    try (ImageSource source = ImageSources.open(target, client)) {
      String reference =
          target.kind() == Target.Kind.REGISTRY ? target.reference().toString() : target.input();
      return inspect(source, reference, options);
    }
  }

  /** Inspects an opened source; {@code reference} is what {@link ImageFacts#reference()} says. */
  public Inventory inspect(ImageSource source, String reference, InspectOptions options)
      throws IOException {
    ResolvedImage image = source.resolve(options.platform());
    List<ScanWarning> warnings = new ArrayList<>();
    if (image.platform() != null && !options.platform().matches(image.platform())) {
      warnings.add(
          new ScanWarning(
              null,
              "the image is for platform "
                  + image.platform()
                  + ", not the requested "
                  + options.platform()
                  + " (it is not a multi-platform index)"));
    }
    ImageFacts facts = facts(reference, image, options);
    options.progress().resolved(facts);
    LOG.info(
        "inspecting image={} digest={} platform={} layers={}",
        reference,
        facts.digest(),
        facts.platform(),
        facts.layers().size());
    List<LayerResult> layers = readLayers(source, image, facts.layers(), options);
    LayerMerger.Merged merged = LayerMerger.mergeAll(layers);
    for (LayerResult layer : layers) {
      warnings.addAll(layer.warnings());
    }
    List<MergedFile> files = new ArrayList<>(merged.files());
    Set<String> analysed = new HashSet<>();
    files.forEach(f -> analysed.add(f.path()));
    LinkedFiles.Plan linked = LinkedFiles.plan(layers, analysed, options.analyzers());
    warnings.addAll(linked.warnings());
    if (!linked.byLayer().isEmpty()) {
      files.addAll(readLinked(source, image, facts.layers(), linked, options));
      files.sort(Comparator.comparing(MergedFile::path));
    }
    return inventory(facts, files, merged.removed(), warnings);
  }

  /**
   * Reads the files the merged file system reaches only through a symbolic link (see {@link
   * LinkedFiles}) from the layers that hold them, one more pass over each such layer, and returns
   * them under the paths the analyzers expect. The results are cached like a layer's, under a key
   * derived from the digest of the layer holding the files and the paths read (the layer's own
   * entry must not depend on the layers above it, where the links may be).
   */
  private static List<MergedFile> readLinked(
      ImageSource source,
      ResolvedImage image,
      List<LayerInfo> layers,
      LinkedFiles.Plan plan,
      InspectOptions options)
      throws IOException {
    List<Analyzer> analyzers =
        options.analyzers().stream().filter(a -> plan.analyzers().contains(a.name())).toList();
    LayerWalker walker =
        new LayerWalker(
            analyzers,
            LayerWalker.DEFAULT_MEMORY_LIMIT,
            options.tempDir(),
            SpillLimits.fromSystemProperties());
    LayerCache cache =
        options.cacheDir() == null ? LayerCache.NONE : new FileLayerCache(options.cacheDir());
    List<MergedFile> out = new ArrayList<>();
    for (Map.Entry<Integer, Map<String, List<String>>> e : plan.byLayer().entrySet()) {
      int index = e.getKey();
      String digest = layers.get(index).digest();
      String key =
          Digest.sha256(
                  ("files behind links|" + digest + "|" + e.getValue())
                      .getBytes(StandardCharsets.UTF_8))
              .toString();
      Map<String, AnalysisResult> results;
      Optional<LayerResult> cached = cache.get(key, analyzers);
      if (cached.isPresent()) {
        results = cached.get().files();
      } else {
        LOG.debug("reading files behind symbolic links layer={} files={}", digest, e.getValue());
        LayerResult read;
        try {
          read = walker.analyzeAs(digest, () -> source.openLayer(image, index), e.getValue());
        } catch (ImageAccessException x) {
          throw x;
        } catch (IOException x) {
          throw new ImageAccessException(
              ImageAccessException.Reason.IO,
              "cannot read layer " + digest + " of " + source.describe() + ": " + x.getMessage(),
              x);
        }
        results = read.files();
        if (!read.limited()) {
          cache.put(key, analyzers, new LayerResult(key, results, null, null, null, null, null));
        }
      }
      results.forEach((path, result) -> out.add(new MergedFile(path, digest, result)));
    }
    return out;
  }

  private List<LayerResult> readLayers(
      ImageSource source, ResolvedImage image, List<LayerInfo> layers, InspectOptions options)
      throws IOException {
    LayerCache cache =
        options.cacheDir() == null ? LayerCache.NONE : new FileLayerCache(options.cacheDir());
    LayerWalker walker =
        new LayerWalker(
            options.analyzers(),
            LayerWalker.DEFAULT_MEMORY_LIMIT,
            options.tempDir(),
            SpillLimits.fromSystemProperties());
    int threads = Math.min(options.parallelism(), Math.max(1, layers.size()));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "sekisho-layer-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      // in the image's order, started largest first
      List<Future<LayerResult>> futures = new ArrayList<>(Collections.nCopies(layers.size(), null));
      for (int index : largestFirst(layers)) {
        LayerInfo layer = layers.get(index);
        futures.set(
            index,
            pool.submit(() -> readLayer(source, image, index, layer, cache, walker, options)));
      }
      List<LayerResult> results = new ArrayList<>(layers.size());
      for (Future<LayerResult> f : futures) {
        try {
          results.add(f.get());
        } catch (ExecutionException e) {
          futures.forEach(other -> other.cancel(true));
          Throwable cause = e.getCause();
          if (cause instanceof IOException io) {
            throw io;
          }
          if (cause instanceof RuntimeException re) {
            throw re;
          }
          if (cause instanceof Error error) {
            // an OutOfMemoryError stays itself, so that the front reports it as the heap limit
            throw error;
          }
          throw new IOException(cause);
        } catch (InterruptedException e) {
          futures.forEach(other -> other.cancel(true));
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while reading layers", e);
        }
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The order in which to start the layers: largest blob first. With fewer threads than layers, a
   * large layer started last (a data or application layer on top of the base, say) would run alone
   * on one thread while the others sit idle; starting the longest jobs first keeps every thread
   * busy to the end (the classic longest-processing-time rule, with the blob size as the estimate).
   * Equal sizes keep the image's order. Results are still merged in the image's order.
   */
  static List<Integer> largestFirst(List<LayerInfo> layers) {
    List<Integer> order = new ArrayList<>(layers.size());
    for (int i = 0; i < layers.size(); i++) {
      order.add(i);
    }
    order.sort(
        Comparator.comparingLong((Integer i) -> layers.get(i).size())
            .reversed()
            .thenComparingInt(i -> i));
    return order;
  }

  private LayerResult readLayer(
      ImageSource source,
      ResolvedImage image,
      int index,
      LayerInfo layer,
      LayerCache cache,
      LayerWalker walker,
      InspectOptions options)
      throws IOException {
    var cached = cache.get(layer.digest(), options.analyzers());
    if (cached.isPresent()) {
      options.progress().layerCached(index, layer);
      return cached.get();
    }
    options.progress().layerStarted(index, layer);
    LayerResult result;
    try {
      result =
          walker.walk(
              layer.digest(),
              () -> new Counting(source.openLayer(image, index), index, layer, options.progress()));
    } catch (ImageAccessException e) {
      throw e;
    } catch (IOException e) {
      throw new ImageAccessException(
          ImageAccessException.Reason.IO,
          "cannot read layer "
              + layer.digest()
              + " of "
              + source.describe()
              + ": "
              + e.getMessage(),
          e);
    }
    // Only a layer read to its end, digest verified, gets here: safe to cache, unless a file was
    // skipped for a local limit (then the result depends on the limits, not only on the layer).
    if (!result.limited()) {
      cache.put(layer.digest(), options.analyzers(), result);
    }
    options.progress().layerFinished(index, layer);
    return result;
  }

  /** The image facts for checks and policies. Environment values are dropped here. */
  static ImageFacts facts(String reference, ResolvedImage image, InspectOptions options) {
    ImageConfig config = image.config();
    ImageConfig.RuntimeConfig rc = config.config();
    List<String> ports = List.of();
    List<String> envNames = List.of();
    boolean healthcheck = false;
    Map<String, String> labels = Map.of();
    String user = "";
    if (rc != null) {
      user = rc.user() == null ? "" : rc.user();
      if (rc.exposedPorts() != null) {
        ports = List.copyOf(new TreeSet<>(rc.exposedPorts().keySet()));
      }
      if (rc.env() != null) {
        envNames =
            rc.env().stream()
                .map(e -> e.indexOf('=') < 0 ? e : e.substring(0, e.indexOf('=')))
                .toList();
      }
      healthcheck = rc.healthcheck() != null && rc.healthcheck().enabled();
      if (rc.labels() != null) {
        labels = rc.labels();
      }
    }
    String platform =
        image.platform() != null ? image.platform().toString() : options.platform().toString();
    return new ImageFacts(
        reference,
        image.registry(),
        image.repository(),
        image.tag(),
        image.digest(),
        platform,
        user,
        ports,
        envNames,
        healthcheck,
        labels,
        image.annotations(),
        config.createdInstant(),
        image.layers());
  }

  static Inventory inventory(ImageFacts facts, List<MergedFile> files, List<ScanWarning> warnings) {
    return inventory(facts, files, List.of(), warnings);
  }

  /**
   * The inventory of the merged file system; {@code removed} are the analysed files upper layers
   * removed, checked for deleted OS package databases and release files.
   */
  static Inventory inventory(
      ImageFacts facts,
      List<MergedFile> files,
      List<LayerMerger.Removed> removed,
      List<ScanWarning> warnings) {
    List<Package> packages = new ArrayList<>();
    List<SecretFinding> secrets = new ArrayList<>();
    List<InstalledFile> installed = new ArrayList<>();
    List<ScanWarning> allWarnings = new ArrayList<>(warnings);
    OperatingSystem os = null;
    int osRank = Integer.MAX_VALUE;
    for (MergedFile f : files) {
      AnalysisResult r = f.result();
      packages.addAll(r.packages());
      secrets.addAll(r.secrets());
      installed.addAll(r.installedFiles());
      allWarnings.addAll(r.warnings());
      if (r.os() != null) {
        int rank = OS_RELEASE_PRIORITY.indexOf(f.path());
        rank = rank < 0 ? OS_RELEASE_PRIORITY.size() : rank;
        if (rank < osRank) {
          os = r.os();
          osRank = rank;
        }
      }
    }
    allWarnings.addAll(removedSystemFiles(removed, packages, os));
    // Analyzers see one file each: the distribution (for OS package purls) and npm lockfile
    // duplicates of installed packages are settled here, on the merged file system.
    // Secret findings in OS packages' files as installed are the packages', not the image's.
    return new Inventory(
        facts,
        os,
        PackagePostProcessor.finish(packages, os),
        InstalledFiles.settle(secrets, installed),
        allWarnings);
  }

  /**
   * Warnings for OS package databases and release files that a lower layer had and an upper layer
   * deleted (or emptied): the binaries they describe usually stay, but nothing lists them any more,
   * so their vulnerabilities would silently go unreported. A database counts only for the packages
   * no other file of the final image lists (a database converted to another format, say rpm's
   * Packages to rpmdb.sqlite, is no loss); a release file only when no other one names the
   * operating system.
   */
  static List<ScanWarning> removedSystemFiles(
      List<LayerMerger.Removed> removed, List<Package> packages, OperatingSystem os) {
    if (removed.isEmpty()) {
      return List.of();
    }
    Set<String> present = new HashSet<>();
    for (Package p : packages) {
      present.add(p.type() + " " + p.name() + " " + p.version());
    }
    List<ScanWarning> out = new ArrayList<>();
    for (LayerMerger.Removed r : removed) {
      AnalysisResult result = r.file().result();
      String path = r.file().path();
      Location where = new Location(r.removedBy(), "/" + path);
      long lost =
          result.packages().stream()
              .filter(p -> p.type().isOsPackage())
              .filter(p -> !present.contains(p.type() + " " + p.name() + " " + p.version()))
              .count();
      if (lost > 0) {
        out.add(
            new ScanWarning(
                where,
                "OS package database "
                    + path
                    + " was deleted or emptied in layer "
                    + r.removedBy()
                    + "; the "
                    + lost
                    + (lost == 1 ? " package it listed is" : " packages it listed are")
                    + " not scanned"));
      }
      if (result.os() != null && os == null) {
        OperatingSystem gone = result.os();
        out.add(
            new ScanWarning(
                where,
                "operating-system release file "
                    + path
                    + " ("
                    + gone.family()
                    + (gone.version() == null ? "" : " " + gone.version())
                    + ") was deleted or emptied in layer "
                    + r.removedBy()
                    + "; the image's operating system is unknown, so its OS packages are not"
                    + " matched"));
      }
    }
    return out;
  }

  /** Counts raw bytes for progress reports. */
  private static final class Counting extends FilterInputStream {
    private static final long STEP = 1 << 20;
    private final int index;
    private final LayerInfo layer;
    private final ProgressListener progress;
    private long count;
    private long reported;

    Counting(InputStream in, int index, LayerInfo layer, ProgressListener progress) {
      super(in);
      this.index = index;
      this.layer = layer;
      this.progress = progress;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        add(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        add(n);
      }
      return n;
    }

    private void add(long n) {
      count += n;
      if (count - reported >= STEP) {
        reported = count;
        progress.layerProgress(index, layer, count);
      }
    }
  }
}
