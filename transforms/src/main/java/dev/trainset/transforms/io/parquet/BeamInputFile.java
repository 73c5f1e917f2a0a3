package dev.trainset.transforms.io.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/** A Parquet {@link InputFile} over any Beam file system. */
public final class BeamInputFile implements InputFile {
  private final ResourceId id;
  private final long length;

  public BeamInputFile(ResourceId id, long length) {
    this.id = id;
    this.length = length;
  }

  @Override
  public long getLength() {
    return length;
  }

  @Override
  public SeekableInputStream newStream() throws IOException {
    ReadableByteChannel ch = FileSystems.open(id);
    if (!(ch instanceof SeekableByteChannel)) {
      ch.close();
      throw new IOException(id + " does not support seeking; cannot read its Parquet footer");
    }
    SeekableByteChannel channel = (SeekableByteChannel) ch;
    return new DelegatingSeekableInputStream(Channels.newInputStream(channel)) {
      @Override
      public long getPos() throws IOException {
        return channel.position();
      }

      @Override
      public void seek(long newPos) throws IOException {
        channel.position(newPos);
      }

      @Override
      public int read(ByteBuffer buf) throws IOException {
        return channel.read(buf);
      }
    };
  }
}
