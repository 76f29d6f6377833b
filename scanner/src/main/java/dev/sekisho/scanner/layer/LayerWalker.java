package dev.sekisho.scanner.layer;

import dev.sekisho.scanner.analyzer.AnalysisResult;
import dev.sekisho.scanner.analyzer.Analyzer;
import dev.sekisho.scanner.analyzer.FileInfo;
import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.model.InstalledFile;
import dev.sekisho.scanner.model.Location;
import dev.sekisho.scanner.model.OperatingSystem;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.ScanWarning;
import dev.sekisho.scanner.model.SecretFinding;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks one layer tar once, streaming: records whiteouts, opaque directories and every path the
 * layer writes, and hands each regular file that an analyzer {@link Analyzer#required requires} to
 * that analyzer. Nothing is interpreted here: the applier merges layers.
 *
 * <p>Links: symbolic links are recorded with their targets and never followed here (the link and
 * its target may be in different layers): the applier resolves them after merging, and {@link
 * #analyzeAs} reads a file it finds behind one under the path an analyzer expects. A hard link is a
 * second name of a file stored earlier in the same layer: when an analyzer wants the link's path,
 * the walker reads the layer a second time after the first pass, and only then, to hand the
 * target's content to the analyzer under the link's path; a link whose target is not in the layer
 * gives a warning.
 *
 * <p>Failures: an analyzer that throws gives a warning for that file and the walk goes on. A
 * failure to read the layer itself (including a digest mismatch found at the end of the blob) fails
 * the whole walk, and nothing from it may be used.
 *
 * <p>Limits: a file an analyzer needs a temporary copy of is not copied when it is over the {@link
 * SpillLimits} (per file, and in all over the walker's life, which is one scan); it is reported as
 * not analysed by those analyzers, naming the limit, and the layer's result says it was {@link
 * LayerResult#limited() limited} (such a result depends on the limits and is not cached).
 */
public final class LayerWalker {
  private static final Logger LOG = LoggerFactory.getLogger(LayerWalker.class);

  /** Files up to this size are buffered in memory when they must be read more than once. */
  public static final long DEFAULT_MEMORY_LIMIT = 8L << 20;

  private static final String WHITEOUT_PREFIX = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";

  /** Opens the raw (possibly compressed) layer blob; called again only for hard links. */
  @FunctionalInterface
  public interface LayerSource {
    InputStream open() throws IOException;
  }

  private final List<Analyzer> analyzers;
  private final long memoryLimit;
  private final SpillArea spill;

  /**
   * A walker for one scan: the {@code spillLimits} total counts every layer this walker walks.
   *
   * @param analyzers the analyzers to run
   * @param memoryLimit largest file buffered in memory when re-reading is needed
   * @param tempDir where larger files are spilled, or null for the system default
   * @param spillLimits how much may be spilled, per file and in all
   */
  public LayerWalker(
      List<Analyzer> analyzers, long memoryLimit, Path tempDir, SpillLimits spillLimits) {
    this.analyzers = List.copyOf(analyzers);
    this.memoryLimit = memoryLimit;
    this.spill = new SpillArea(tempDir, spillLimits);
  }

  /** A walker with the {@link SpillLimits#DEFAULT default spill limits}. */
  public LayerWalker(List<Analyzer> analyzers, long memoryLimit, Path tempDir) {
    this(analyzers, memoryLimit, tempDir, SpillLimits.DEFAULT);
  }

  public LayerWalker(List<Analyzer> analyzers) {
    this(analyzers, DEFAULT_MEMORY_LIMIT, null);
  }

  private record PendingLink(String path, String target, List<Analyzer> wanted) {}

  /**
   * Walks a layer.
   *
   * @param layerDigest the layer's digest, for locations and messages
   * @param source opens the raw blob; the stream it returns should verify the blob's digest at its
   *     end (the walker always reads to the end)
   * @throws IOException when the layer cannot be read completely or fails verification
   */
  public LayerResult walk(String layerDigest, LayerSource source) throws IOException {
    Map<String, AnalysisResult> results = new TreeMap<>();
    TreeSet<String> whiteouts = new TreeSet<>();
    TreeSet<String> opaque = new TreeSet<>();
    // every path of the layer: appended in tar order, sorted once at the end (cheaper than a
    // sorted set for tens of thousands of entries, which arrive nearly sorted)
    List<String> files = new ArrayList<>();
    List<String> dirs = new ArrayList<>();
    List<ScanWarning> warnings = new ArrayList<>();
    Map<String, FileInfo> regular = new HashMap<>();
    List<PendingLink> pending = new ArrayList<>();
    Map<String, String> symlinks = new HashMap<>();

    try (InputStream raw = source.open()) {
      try {
        walkEntries(
            layerDigest, raw, results, whiteouts, opaque, files, dirs, regular, pending, symlinks);
      } catch (IOException e) {
        throw rootCause(e, raw);
      }
    }
    if (!pending.isEmpty()) {
      analyzeHardLinks(layerDigest, source, pending, regular, results, warnings);
    }
    LOG.debug(
        "layer walked digest={} files={} analysed={} whiteouts={} opaque={}",
        layerDigest,
        files.size(),
        results.size(),
        whiteouts.size(),
        opaque.size());
    return new LayerResult(
        layerDigest,
        results,
        List.copyOf(whiteouts),
        List.copyOf(opaque),
        sortedDistinct(files),
        sortedDistinct(dirs),
        warnings,
        spill.refusedIn(layerDigest),
        symlinks);
  }

  /** The strings sorted, each once (distinct on a sorted stream only compares neighbours). */
  static List<String> sortedDistinct(List<String> strings) {
    return strings.stream().sorted().distinct().toList();
  }

  /**
   * When reading a layer fails (a corrupt tar or compressed stream), the blob may simply have been
   * tampered with: read the raw stream to its end so that its digest check can name the real cause.
   * Other failures (network) are returned unchanged.
   */
  private static IOException rootCause(IOException failure, InputStream raw) {
    if (failure instanceof ImageAccessException) {
      return failure;
    }
    try {
      raw.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (ImageAccessException digest) {
      digest.addSuppressed(failure);
      return digest;
    } catch (IOException | RuntimeException ignored) {
      // the original failure says more
    }
    return failure;
  }

  private void walkEntries(
      String layerDigest,
      InputStream raw,
      Map<String, AnalysisResult> results,
      TreeSet<String> whiteouts,
      TreeSet<String> opaque,
      List<String> files,
      List<String> dirs,
      Map<String, FileInfo> regular,
      List<PendingLink> pending,
      Map<String, String> symlinks)
      throws IOException {
    {
      InputStream tarBytes = Compression.decompress(raw);
      TarReader tar = new TarReader(tarBytes);
      TarReader.Entry entry;
      while ((entry = tar.next()) != null) {
        String path = normalize(entry.name());
        if (path.isEmpty()) {
          continue;
        }
        int slash = path.lastIndexOf('/');
        String base = path.substring(slash + 1);
        String parent = slash < 0 ? "" : path.substring(0, slash);
        if (base.equals(OPAQUE)) {
          opaque.add(parent);
          continue;
        }
        if (base.startsWith(WHITEOUT_PREFIX)) {
          String name = base.substring(WHITEOUT_PREFIX.length());
          if (!name.isEmpty()) {
            whiteouts.add(parent.isEmpty() ? name : parent + "/" + name);
          }
          continue;
        }
        if (entry.type() == TarReader.Type.DIRECTORY) {
          dirs.add(path);
          continue;
        }
        files.add(path);
        if (entry.type() == TarReader.Type.HARD_LINK) {
          String target = normalize(entry.linkName());
          FileInfo info = regular.get(target);
          if (info == null) {
            info = new FileInfo(0, entry.mode());
          }
          List<Analyzer> wanted = wanting(path, info);
          if (!wanted.isEmpty()) {
            pending.add(new PendingLink(path, target, wanted));
          }
          continue;
        }
        if (entry.type() == TarReader.Type.SYMLINK) {
          symlinks.put(path, entry.linkName() == null ? "" : entry.linkName());
          continue; // written, never followed here (the applier resolves them)
        }
        if (entry.type() != TarReader.Type.FILE) {
          continue; // devices, fifos: written, never read
        }
        FileInfo info = new FileInfo(entry.size(), entry.mode());
        List<Analyzer> wanted = wanting(path, info);
        if (entry.sparse()) {
          if (!wanted.isEmpty()) {
            warn(results, layerDigest, path, "sparse file: not analysed");
          }
          continue;
        }
        regular.put(path, info);
        if (!wanted.isEmpty()) {
          analyze(layerDigest, path, info, tar.content(), wanted, results);
        }
      }
      // Read to the very end so that the decompressor and the digest check see every byte.
      tarBytes.transferTo(java.io.OutputStream.nullOutputStream());
      raw.transferTo(java.io.OutputStream.nullOutputStream());
    }
  }

  private void analyzeHardLinks(
      String layerDigest,
      LayerSource source,
      List<PendingLink> pending,
      Map<String, FileInfo> regular,
      Map<String, AnalysisResult> results,
      List<ScanWarning> warnings)
      throws IOException {
    Map<String, List<String>> byTarget = new LinkedHashMap<>();
    for (PendingLink link : pending) {
      if (!regular.containsKey(link.target())) {
        warn(
            results,
            layerDigest,
            link.path(),
            "hard link to /"
                + link.target()
                + ", which is not a regular file in this layer: "
                + "not analysed");
        continue;
      }
      byTarget.computeIfAbsent(link.target(), k -> new ArrayList<>()).add(link.path());
    }
    if (byTarget.isEmpty()) {
      return;
    }
    LOG.debug("second pass for hard links digest={} links={}", layerDigest, pending.size());
    analyzeTargets(layerDigest, source, byTarget, results);
  }

  /**
   * Reads a layer again and hands regular files of it to the analyzers that want them under other
   * paths: the applier's resolution of a symbolic link, possibly written in another layer, to a
   * file of this layer (e.g. {@code lib/apk → usr/lib/apk} makes {@code usr/lib/apk/db/installed}
   * the file the apk analyzer wants as {@code lib/apk/db/installed}).
   *
   * @param layerDigest the digest of the layer that holds the targets
   * @param source opens the layer blob
   * @param pathsByTarget target path in this layer → the paths to analyse its content as
   * @return the results by path in {@link LayerResult#files()} (a path whose target is not a
   *     regular file of the layer gets a warning), and whether a {@link SpillLimits limit} left one
   *     unanalysed ({@link LayerResult#limited()}); nothing else
   * @throws IOException when the layer cannot be read completely
   */
  public LayerResult analyzeAs(
      String layerDigest, LayerSource source, Map<String, List<String>> pathsByTarget)
      throws IOException {
    Map<String, AnalysisResult> results = new TreeMap<>();
    Map<String, List<String>> byTarget = new LinkedHashMap<>();
    pathsByTarget.forEach((target, paths) -> byTarget.put(target, List.copyOf(paths)));
    analyzeTargets(layerDigest, source, byTarget, results);
    byTarget.forEach(
        (target, paths) -> {
          for (String path : paths) {
            warn(
                results,
                layerDigest,
                path,
                "/"
                    + path
                    + " leads to /"
                    + target
                    + ", which is not a regular file in layer "
                    + layerDigest
                    + ": not analysed");
          }
        });
    return new LayerResult(
        layerDigest, results, null, null, null, null, null, spill.refusedIn(layerDigest), null);
  }

  /**
   * Reads the layer again and analyses each target's content under each of its paths, with the
   * analyzers that want that path. Targets found are removed from {@code byTarget}. A target the
   * tar holds more than once is what extraction leaves: the last copy, whose results replace the
   * earlier ones (so a harmless first copy cannot hide the real file), which is why the whole layer
   * is read.
   */
  private void analyzeTargets(
      String layerDigest,
      LayerSource source,
      Map<String, List<String>> byTarget,
      Map<String, AnalysisResult> results)
      throws IOException {
    if (byTarget.isEmpty()) {
      return;
    }
    try (InputStream raw = source.open();
        InputStream tarBytes = Compression.decompress(raw)) {
      TarReader tar = new TarReader(tarBytes);
      TarReader.Entry entry;
      Set<String> found = new HashSet<>();
      while ((entry = tar.next()) != null) {
        if (entry.type() != TarReader.Type.FILE || entry.sparse()) {
          continue;
        }
        String name = normalize(entry.name());
        List<String> paths = byTarget.get(name);
        if (paths == null) {
          continue;
        }
        if (!found.add(name)) {
          for (String path : paths) {
            results.remove(path);
          }
        }
        FileInfo info = new FileInfo(entry.size(), entry.mode());
        if (paths.size() == 1) {
          List<Analyzer> wanted = wanting(paths.get(0), info);
          if (!wanted.isEmpty()) {
            analyze(layerDigest, paths.get(0), info, tar.content(), wanted, results);
          }
        } else {
          // Several paths for one file: copy it once, then let each path's analyzers read the copy.
          try (FileContent content =
              new FileContent(entry.name(), layerDigest, info, tar.content(), memoryLimit, spill)) {
            try {
              content.materialize();
            } catch (SpillArea.RefusedException e) {
              for (String path : paths) {
                List<Analyzer> wanted = wanting(path, info);
                if (wanted.isEmpty()) {
                  continue;
                }
                String names = String.join(", ", wanted.stream().map(Analyzer::name).toList());
                warn(
                    results, layerDigest, path, "not analysed by " + names + ": " + e.getMessage());
              }
              continue;
            }
            for (String path : paths) {
              List<Analyzer> wanted = wanting(path, info);
              if (wanted.isEmpty()) {
                continue;
              }
              try (InputStream copy = content.asStream()) {
                analyze(layerDigest, path, info, copy, wanted, results);
              }
            }
          }
        }
      }
      byTarget.keySet().removeAll(found);
      tarBytes.transferTo(java.io.OutputStream.nullOutputStream());
      raw.transferTo(java.io.OutputStream.nullOutputStream());
    }
  }

  private List<Analyzer> wanting(String path, FileInfo info) {
    List<Analyzer> wanted = null;
    for (Analyzer a : analyzers) {
      boolean required;
      try {
        required = a.required(path, info);
      } catch (RuntimeException e) {
        LOG.debug("analyzer {} failed in required({})", a.name(), path, e);
        required = false;
      }
      if (required) {
        if (wanted == null) {
          wanted = new ArrayList<>(2);
        }
        wanted.add(a);
      }
    }
    return wanted == null ? List.of() : wanted;
  }

  /** Runs the analyzers on one file and merges their results into {@code results}. */
  private void analyze(
      String layerDigest,
      String path,
      FileInfo info,
      InputStream entryStream,
      List<Analyzer> wanted,
      Map<String, AnalysisResult> results)
      throws IOException {
    ReadTracking tracked = new ReadTracking(entryStream);
    List<String> refused = new ArrayList<>(1);
    try (FileContent content =
        new FileContent(path, layerDigest, info, tracked, memoryLimit, spill)) {
      if (wanted.size() > 1) {
        try {
          content.materialize();
        } catch (SpillArea.RefusedException e) {
          // each analyzer that needs the copy is refused below; streaming ones still run
        }
      }
      for (Analyzer analyzer : wanted) {
        AnalysisResult result;
        int refusals = content.refusals();
        try {
          result = analyzer.analyze(content.input());
        } catch (IOException | RuntimeException e) {
          if (tracked.failure != null) {
            throw tracked.failure; // the layer itself is unreadable
          }
          if (content.refusals() > refusals) {
            refused.add(analyzer.name()); // too large to copy: reported once, below
            continue;
          }
          // Kept with the file's results, so the applier drops it when an upper layer replaces
          // the file.
          warn(results, layerDigest, path, "analyzer " + analyzer.name() + " failed: " + e);
          LOG.debug(
              "analyzer failed analyzer={} path={} layer={}",
              analyzer.name(),
              path,
              layerDigest,
              e);
          continue;
        }
        if (tracked.failure != null) {
          throw tracked.failure;
        }
        if (content.refusals() > refusals) {
          refused.add(analyzer.name()); // it caught the refusal itself; what it read is kept
        }
        if (result != null && !result.isEmpty()) {
          results.merge(path, result, LayerWalker::combine);
        }
      }
      if (!refused.isEmpty()) {
        warn(
            results,
            layerDigest,
            path,
            "not analysed by "
                + String.join(", ", refused)
                + ": "
                + content.refusal().getMessage());
      }
    }
  }

  /** Adds a warning to a file's results. */
  private static void warn(
      Map<String, AnalysisResult> results, String layerDigest, String path, String message) {
    ScanWarning warning = new ScanWarning(new Location(layerDigest, "/" + path), message);
    results.merge(
        path, new AnalysisResult(null, null, null, List.of(warning)), LayerWalker::combine);
  }

  /** Two analyzers' results for one file as one. */
  static AnalysisResult combine(AnalysisResult a, AnalysisResult b) {
    List<Package> packages = new ArrayList<>(a.packages());
    packages.addAll(b.packages());
    List<SecretFinding> secrets = new ArrayList<>(a.secrets());
    secrets.addAll(b.secrets());
    List<ScanWarning> warnings = new ArrayList<>(a.warnings());
    warnings.addAll(b.warnings());
    OperatingSystem os = a.os() != null ? a.os() : b.os();
    List<InstalledFile> installed = new ArrayList<>(a.installedFiles());
    installed.addAll(b.installedFiles());
    return new AnalysisResult(packages, os, secrets, warnings, installed);
  }

  /**
   * True for a regular file entry of an image archive read with Commons Compress (layers are read
   * with {@link TarReader}). ({@link TarArchiveEntry#isFile()} is also true for symbolic links and
   * other non-directory entries, so the type flag is checked instead.)
   */
  public static boolean isRegularFile(TarArchiveEntry entry) {
    byte flag = entry.getLinkFlag();
    return (flag == TarConstants.LF_NORMAL
            || flag == TarConstants.LF_OLDNORM
            || flag == TarConstants.LF_CONTIG
            || entry.isGNUSparse())
        && !entry.getName().endsWith("/");
  }

  /**
   * A tar entry name as a clean relative path: no leading "./" or "/", no "." or empty components,
   * ".." resolved without ever climbing above the root, no trailing slash.
   */
  public static String normalize(String name) {
    if (name == null) {
      return "";
    }
    // Fast path: most names are clean already, or clean but for a directory's trailing slash.
    int end = name.length();
    while (end > 0 && name.charAt(end - 1) == '/') {
      end--;
    }
    if (isClean(name, end)) {
      return end == name.length() ? name : name.substring(0, end);
    }
    String[] parts = name.split("/");
    List<String> out = new ArrayList<>(parts.length);
    for (String p : parts) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        if (!out.isEmpty()) {
          out.remove(out.size() - 1);
        }
        continue;
      }
      out.add(p);
    }
    return String.join("/", out);
  }

  /**
   * Whether {@code name[0, end)} is non-empty, has no leading slash and no empty, "." or ".."
   * component: a name {@link #normalize} would return unchanged.
   */
  private static boolean isClean(String name, int end) {
    if (end == 0 || name.charAt(0) == '/') {
      return false;
    }
    int start = 0;
    for (int i = 0; i <= end; i++) {
      if (i == end || name.charAt(i) == '/') {
        int length = i - start;
        if (length == 0
            || (name.charAt(start) == '.'
                && (length == 1 || (length == 2 && name.charAt(start + 1) == '.')))) {
          return false;
        }
        start = i + 1;
      }
    }
    return true;
  }

  /** Remembers a failure of the underlying stream, so it is not mistaken for an analyzer's bug. */
  private static final class ReadTracking extends FilterInputStream {
    IOException failure;

    ReadTracking(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return in.read();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return in.skip(n);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public void close() {
      // the tar stream belongs to the walker
    }
  }
}
