package dev.sekisho.cli;

import dev.sekisho.scanner.artifact.ProgressListener;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.LayerInfo;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Progress of long steps on stderr, one rewritten line, only when stderr is a terminal: CI logs
 * stay quiet.
 */
final class Progress implements ProgressListener {
  private final CliContext context;
  private final boolean enabled;
  private final AtomicInteger done = new AtomicInteger();
  private volatile int layers;
  private volatile boolean dirty;

  Progress(CliContext context) {
    this.context = context;
    this.enabled = context.terminal().stderrTty();
  }

  /** Shows a step ("matching 1234 packages"). */
  synchronized void step(String message) {
    if (!enabled) {
      return;
    }
    String line = message.length() > 100 ? message.substring(0, 99) + "…" : message;
    context.err().print("\r\u001b[2K" + line);
    context.err().flush();
    dirty = true;
  }

  /** Clears the progress line. */
  synchronized void done() {
    if (enabled && dirty) {
      context.err().print("\r\u001b[2K");
      context.err().flush();
      dirty = false;
    }
  }

  @Override
  public void resolved(ImageFacts facts) {
    layers = facts.layers().size();
    step("resolved " + facts.reference() + " (" + layers + " layers)");
  }

  @Override
  public void layerCached(int index, LayerInfo layer) {
    step("layer " + done.incrementAndGet() + "/" + layers + " cached " + shortDigest(layer));
  }

  @Override
  public void layerProgress(int index, LayerInfo layer, long bytesRead) {
    if (!enabled) {
      return; // no formatting for nobody: this is called for every MiB of every layer
    }
    step(
        String.format(
            Locale.ROOT,
            "layer %d/%d %s %.1f/%.1f MiB",
            done.get() + 1,
            layers,
            shortDigest(layer),
            bytesRead / 1048576.0,
            layer.size() / 1048576.0));
  }

  @Override
  public void layerFinished(int index, LayerInfo layer) {
    step("layer " + done.incrementAndGet() + "/" + layers + " done " + shortDigest(layer));
  }

  private static String shortDigest(LayerInfo layer) {
    String d = layer.digest() == null ? "" : layer.digest();
    return d.length() > 19 ? d.substring(0, 19) : d;
  }
}
