package dev.sekisho.testkit.node;

import java.util.Map;

/**
 * The kubelet's {@code $(VAR)} expansion of environment values, commands and arguments (Kubernetes
 * {@code third_party/forked/golang/expansion}): {@code $(NAME)} becomes the variable's value when
 * it is defined and stays as written otherwise, {@code $$} becomes {@code $}, and any other {@code
 * $} is kept. Hand-written: it is a dozen lines and no Java library implements these exact rules.
 */
final class EnvExpansion {
  private EnvExpansion() {}

  static String expand(String input, Map<String, String> env) {
    if (input == null || input.indexOf('$') < 0) {
      return input;
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < input.length()) {
      char c = input.charAt(i);
      if (c != '$' || i + 1 >= input.length()) {
        out.append(c);
        i++;
        continue;
      }
      char next = input.charAt(i + 1);
      if (next == '$') {
        out.append('$');
        i += 2;
      } else if (next == '(') {
        int close = input.indexOf(')', i + 2);
        if (close < 0) {
          out.append("$(");
          i += 2;
        } else {
          String name = input.substring(i + 2, close);
          String value = env.get(name);
          out.append(value != null ? value : "$(" + name + ")");
          i = close + 1;
        }
      } else {
        out.append('$').append(next);
        i += 2;
      }
    }
    return out.toString();
  }
}
