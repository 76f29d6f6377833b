package dev.sekisho.scanner.applier;

import dev.sekisho.scanner.layer.LayerResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Resolves paths in the merged file system of a stack of layers the way the kernel does in a
 * container: symbolic links are followed wherever they occur in a path, whichever layer wrote them,
 * with at most {@value #MAX_LINKS} links per resolution (the kernel's limit, so a loop ends),
 * relative targets from the link's directory, absolute targets and {@code ..} from the image root,
 * which nothing climbs above. A pure function of the layers' records: no I/O.
 *
 * <p>What each layer shows of a path follows {@link LayerMerger}: the top-most layer that writes
 * the path (as a file, symlink or directory, explicitly or as the parent of something it writes)
 * decides it, unless a layer above it deletes the path or a directory above it (whiteout, opaque
 * directory, or a non-directory written over an ancestor).
 */
public final class SymlinkResolver {
  /** Links followed in one resolution at most (Linux's MAXSYMLINKS). */
  public static final int MAX_LINKS = 40;

  /** What a path is in the merged file system. */
  public enum Kind {
    /** A non-directory, non-symlink entry: a regular file (or a hard link, device, fifo). */
    FILE,
    SYMLINK,
    DIRECTORY,
    MISSING
  }

  /**
   * One path of the merged file system.
   *
   * @param kind what it is
   * @param layer index (bottom-up) of the layer that provides it; -1 when missing or the root
   * @param target the link target as written, for a symlink
   */
  public record Node(Kind kind, int layer, String target) {
    static final Node MISSING = new Node(Kind.MISSING, -1, null);
    static final Node ROOT = new Node(Kind.DIRECTORY, -1, null);
  }

  /**
   * The outcome of resolving a path.
   *
   * @param path the path asked for
   * @param resolved the physical path it leads to (no symlink in it), or null when it leads nowhere
   * @param node what is at {@code resolved} ({@link Kind#MISSING} when nothing)
   * @param linksFollowed how many symbolic links were followed
   * @param problem why the path could not be resolved when that deserves a warning (a dangling link
   *     or a loop), else null
   */
  public record Resolution(
      String path, String resolved, Node node, int linksFollowed, String problem) {
    /** True when the path leads, through at least one link, to an existing entry. */
    public boolean throughLink() {
      return resolved != null && linksFollowed > 0 && node.kind() != Kind.MISSING;
    }
  }

  private final List<Layer> layers;

  /**
   * @param layers the layers' records, bottom-up
   */
  public SymlinkResolver(List<LayerResult> layers) {
    List<Layer> l = new ArrayList<>(layers.size());
    for (LayerResult r : layers) {
      l.add(new Layer(r));
    }
    this.layers = l;
  }

  /** What {@code path} (clean, relative, no symlink resolution) is in the merged file system. */
  public Node lookup(String path) {
    if (path.isEmpty()) {
      return Node.ROOT;
    }
    for (int i = layers.size() - 1; i >= 0; i--) {
      Layer layer = layers.get(i);
      String target = layer.symlinks.get(path);
      if (target != null) {
        return new Node(Kind.SYMLINK, i, target);
      }
      if (contains(layer.files, path)) {
        return new Node(Kind.FILE, i, null);
      }
      if (contains(layer.dirs, path)
          || contains(layer.opaque, path)
          || hasBelow(layer.files, path)
          || hasBelow(layer.dirs, path)
          || hasBelow(layer.whiteouts, path)) {
        return new Node(Kind.DIRECTORY, i, null);
      }
      if (contains(layer.whiteouts, path)) {
        return Node.MISSING;
      }
      for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
        String ancestor = path.substring(0, slash);
        if (contains(layer.whiteouts, ancestor)
            || contains(layer.opaque, ancestor)
            || contains(layer.files, ancestor)) {
          return Node.MISSING;
        }
      }
    }
    return Node.MISSING;
  }

  /** Resolves {@code path} (relative to the image root) through every symbolic link on the way. */
  public Resolution resolve(String path) {
    Deque<String> todo = new ArrayDeque<>();
    split(path, todo, false);
    List<String> done = new ArrayList<>();
    int links = 0;
    String lastLink = null;
    Node lastLinkNode = null;
    int targetEnd = -1; // todo's size once the last link's target is consumed
    Node node = Node.ROOT;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (!done.isEmpty()) {
          done.remove(done.size() - 1);
        }
        node = Node.ROOT; // a directory (the parent of one we walked through)
        continue;
      }
      if (node.kind() == Kind.FILE) {
        return new Resolution(path, null, Node.MISSING, links, null); // a file is no directory
      }
      String candidate = done.isEmpty() ? c : String.join("/", done) + "/" + c;
      node = lookup(candidate);
      switch (node.kind()) {
        case SYMLINK -> {
          if (++links > MAX_LINKS) {
            return new Resolution(
                path,
                null,
                Node.MISSING,
                links,
                "symbolic links loop through /"
                    + candidate
                    + " → "
                    + node.target()
                    + " (more than "
                    + MAX_LINKS
                    + " followed)");
          }
          lastLink = candidate;
          lastLinkNode = node;
          targetEnd = todo.size();
          if (node.target().startsWith("/")) {
            done.clear();
          }
          split(node.target(), todo, true);
          node = Node.ROOT;
        }
        case FILE, DIRECTORY -> done.add(c);
        case MISSING -> {
          // missing while still inside the last link's target: that link leads nowhere
          String problem =
              lastLink != null && todo.size() >= targetEnd
                  ? "/"
                      + lastLink
                      + " is a symbolic link to "
                      + lastLinkNode.target()
                      + " (written in layer "
                      + layers.get(lastLinkNode.layer()).digest
                      + "), which does not exist in the image"
                  : null;
          return new Resolution(path, null, Node.MISSING, links, problem);
        }
      }
    }
    String resolved = String.join("/", done);
    Node last = resolved.isEmpty() ? Node.ROOT : lookup(resolved);
    return new Resolution(path, resolved, last, links, null);
  }

  /** Pushes the components of {@code path} onto {@code todo}, in front when {@code first}. */
  private static void split(String path, Deque<String> todo, boolean first) {
    String[] parts = path.split("/");
    if (first) {
      for (int i = parts.length - 1; i >= 0; i--) {
        todo.addFirst(parts[i]);
      }
    } else {
      Collections.addAll(todo, parts);
    }
  }

  /** The children (names) a directory of the merged file system may have, from every layer. */
  public List<String> childNames(String dir) {
    TreeSet<String> names = new TreeSet<>();
    String prefix = dir.isEmpty() ? "" : dir + "/";
    for (Layer layer : layers) {
      collectChildren(layer.files, prefix, names);
      collectChildren(layer.dirs, prefix, names);
    }
    return List.copyOf(names);
  }

  private static void collectChildren(List<String> sorted, String prefix, TreeSet<String> names) {
    int i = insertionPoint(sorted, prefix);
    for (; i < sorted.size() && sorted.get(i).startsWith(prefix); i++) {
      String rest = sorted.get(i).substring(prefix.length());
      int slash = rest.indexOf('/');
      names.add(slash < 0 ? rest : rest.substring(0, slash));
    }
  }

  /** The digest of a layer by index. */
  public String digest(int layer) {
    return layers.get(layer).digest;
  }

  private static boolean contains(List<String> sorted, String path) {
    return Collections.binarySearch(sorted, path) >= 0;
  }

  /** Whether the sorted list holds a path strictly below {@code dir}. */
  private static boolean hasBelow(List<String> sorted, String dir) {
    String prefix = dir + "/";
    int i = insertionPoint(sorted, prefix);
    return i < sorted.size() && sorted.get(i).startsWith(prefix);
  }

  private static int insertionPoint(List<String> sorted, String key) {
    int i = Collections.binarySearch(sorted, key);
    return i >= 0 ? i : -i - 1;
  }

  /** One layer's records, each list sorted for binary search. */
  private static final class Layer {
    final String digest;
    final List<String> files;
    final List<String> dirs;
    final List<String> whiteouts;
    final List<String> opaque;
    final Map<String, String> symlinks;

    Layer(LayerResult r) {
      digest = r.digest();
      files = sorted(r.writtenFiles());
      dirs = sorted(r.writtenDirs());
      whiteouts = sorted(r.whiteouts());
      opaque = sorted(r.opaqueDirs());
      symlinks = r.symlinks();
    }

    /** The list itself when sorted already (the walker sorts), else a sorted copy. */
    private static List<String> sorted(List<String> list) {
      for (int i = 1; i < list.size(); i++) {
        if (list.get(i - 1).compareTo(list.get(i)) > 0) {
          List<String> copy = new ArrayList<>(list);
          Collections.sort(copy);
          return copy;
        }
      }
      return list;
    }
  }
}
