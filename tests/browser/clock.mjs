// A wall clock burned into live test video, for glass-to-glass latency: each
// frame carries the Unix time in milliseconds (mod 2^32) at which ffmpeg made
// it, as a strip of 16x16 blocks in the top-left corner that survives H.264:
//
//   block 0: always white (the strip is there);
//   blocks 1..32: bit 0..31 of the time, least significant first, white = 1;
//   block 33: parity (white when the number of 1 bits is odd).
//
// play.html reads the strip back from each frame the browser presents, so
// "latency" is present-time minus make-time, encoder and player included.
// The time comes from the filter graph (setpts=RTCTIME), evaluated as the
// frame leaves the -re rate limiter: the moment a camera would have taken it.

export const kClockBlock = 16;
export const kClockBits = 32;

function bit(k) {
  return `mod(floor(t*1000/pow(2\\,${k}))\\,2)`;
}

// The -vf chain: stamp the wall clock, draw the strip, then number the frames
// again at `fps` for the encoder.
export function clockFilter(fps) {
  const block = kClockBlock;
  const box = (index, extra) =>
    `drawbox=x=${index * block}:y=0:w=${block}:h=${block}:color=white:t=fill${extra}`;
  const parts = ['settb=1/1000', 'setpts=RTCTIME/1000',
    `drawbox=x=0:y=0:w=${(kClockBits + 2) * block}:h=${block}:color=black:t=fill`, box(0, '')];
  const bits = [];
  for (let k = 0; k < kClockBits; k++) {
    bits.push(bit(k));
    parts.push(box(k + 1, `:enable='${bit(k)}'`));
  }
  parts.push(box(kClockBits + 1, `:enable='mod(${bits.join('+')}\\,2)'`));
  parts.push(`settb=1/${fps}`, 'setpts=N');
  return parts.join(',');
}

// ffmpeg arguments publishing a live H.264 + AAC test picture with the clock
// to `url` over RTMP: a keyframe every `gop` frames, no B-frames, no
// look-ahead (what a low-latency encoder does).
export function clockPublisherArgs({ url, fps = 30, gop = 60, seconds = 60, kbps = 1500 }) {
  return ['-hide_banner', '-nostats', '-loglevel', 'error',
    '-re', '-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=${fps}`,
    '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
    '-t', String(seconds),
    '-vf', clockFilter(fps),
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'high',
    '-pix_fmt', 'yuv420p', '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps}k`,
    '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0',
    '-c:a', 'aac', '-b:a', '128k',
    '-f', 'flv', url];
}
