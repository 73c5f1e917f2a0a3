package dev.trainset.transforms.parse;

import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;

/** Drops a leading byte-order mark, so a BOM file's first column is {@code age}, not {@code \uFEFFage}. */
public final class Bom {
  private Bom() {}

  public static Reader skip(Reader in) throws IOException {
    PushbackReader r = new PushbackReader(in, 1);
    int c = r.read();
    if (c != -1 && c != '\uFEFF') {
      r.unread(c);
    }
    return r;
  }
}
