// Plays a live HLS playlist in headless Chromium with hls.js and checks that
// playback advances. Exit code 0 when video.currentTime advanced by at least
// --seconds without a fatal hls.js error, 1 otherwise; the last line printed
// is a JSON summary.
//
//   node play.mjs <playlist-url> [--seconds 8] [--timeout 90] [--min-segments 1]
//   node play.mjs --self-test      (plays a live HLS made by ffmpeg: checks this
//                                   driver, Chromium and hls.js on this machine)
//
// Latency (summary.latency, measured once playback advanced --warmup seconds):
//   pdtMs    now minus hls.js's playingDate (EXT-X-PROGRAM-DATE-TIME of the
//            frame on screen): the packager's view, from when the gateway got
//            the segment's first packet;
//   clockMs  with --clock: present time minus the wall clock burned into the
//            frame by the encoder (clock.mjs), i.e. glass to glass.
//   --publish-clock RTMP_URL [--gop N] [--publish-seconds S]  publishes such
//            a stream with ffmpeg first (and --clock is implied).
//   --hls-config JSON  more hls.js settings, e.g. '{"liveSyncDurationCount":1}'.
//
// The page is served from a loopback port of its own, so the playlist is a
// cross-origin load: the gateway's CORS headers are part of what is tested.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { clockFilter, clockPublisherArgs } from './clock.mjs';

const here = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const options = { url: null, seconds: 8, timeout: 90, selfTest: false, chromium: '/usr/bin/chromium',
    clock: false, publishClock: null, gop: 60, publishSeconds: 120, warmup: 2, minSegments: 1, hlsConfig: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--seconds') options.seconds = Number(argv[++i]);
    else if (arg === '--timeout') options.timeout = Number(argv[++i]);
    else if (arg === '--chromium') options.chromium = argv[++i];
    else if (arg === '--self-test') options.selfTest = true;
    else if (arg === '--clock') options.clock = true;
    else if (arg === '--publish-clock') { options.publishClock = argv[++i]; options.clock = true; }
    else if (arg === '--gop') options.gop = Number(argv[++i]);
    else if (arg === '--publish-seconds') options.publishSeconds = Number(argv[++i]);
    else if (arg === '--warmup') options.warmup = Number(argv[++i]);
    else if (arg === '--min-segments') options.minSegments = Number(argv[++i]);
    else if (arg === '--hls-config') options.hlsConfig = JSON.parse(argv[++i]);
    else if (!options.url) options.url = arg;
    else throw new Error(`unexpected argument '${arg}'`);
  }
  if (!options.url && !options.selfTest) throw new Error('usage: node play.mjs <playlist-url> [--seconds N] [--timeout S]');
  return options;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// hls.js gives up on a playlist that 404s at first load: wait until it
// exists and lists `segments` segments (a viewer arriving at a running stream).
async function waitForPlaylist(url, deadline, segments) {
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { cache: 'no-store' });
      const text = await response.text();
      if (response.ok && text.split('#EXTINF').length - 1 >= segments) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error.message;
    }
    await sleep(250);
  }
  throw new Error(`playlist ${url} not available: ${last}`);
}

// Serves the page and hls.js; with `folder`, also that folder (self-test media).
function startServer(folder) {
  const hlsJs = join(here, 'node_modules', 'hls.js', 'dist', 'hls.min.js');
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    const send = (status, type, body) => {
      response.writeHead(status, { 'Content-Type': type, 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-cache' });
      response.end(body);
    };
    if (path === '/') return send(200, 'text/html', readFileSync(join(here, 'play.html')));
    if (path === '/hls.min.js') return send(200, 'text/javascript', readFileSync(hlsJs));
    if (path === '/favicon.ico') return send(204, 'text/plain', '');
    if (folder && path.startsWith('/media/')) {
      const file = normalize(join(folder, path.slice('/media/'.length)));
      if (file.startsWith(folder) && existsSync(file)) {
        const type = file.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t';
        return send(200, type, readFileSync(file));
      }
    }
    send(404, 'text/plain', 'not found');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// A live HLS stream made by ffmpeg (H.264 High + AAC-LC, 2 s keyframes),
// with the burned-in clock when `clock`.
function startFfmpegLive(folder, clock) {
  const args = ['-hide_banner', '-loglevel', 'error', '-re',
    '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
    ...(clock ? ['-vf', clockFilter(30), '-tune', 'zerolatency'] : []),
    '-c:v', 'libx264', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-g', '60', '-keyint_min', '60', '-sc_threshold', '0',
    '-c:a', 'aac', '-t', '60',
    '-f', 'hls', '-hls_time', '2', '-hls_list_size', '6', '-hls_flags', 'delete_segments+temp_file',
    join(folder, 'live.m3u8')];
  return spawn('ffmpeg', args, { stdio: ['ignore', 'inherit', 'inherit'] });
}

// count, min, p10, median, p90, max of `values` (ms, rounded); null when empty.
function distribution(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
  return { count: sorted.length, min: at(0), p10: at(0.1), median: at(0.5), p90: at(0.9), max: at(1) };
}

async function play(options) {
  const deadline = Date.now() + options.timeout * 1000;
  let server;
  let ffmpeg;
  let folder;
  let browser;
  let publisher;
  const summary = { ok: false, url: options.url, advancedSeconds: 0, fatal: null, errors: [], discontinuities: 0, latencyMs: null };
  const pdtSamples = [];
  try {
    if (options.publishClock) {
      publisher = spawn('ffmpeg', clockPublisherArgs({ url: options.publishClock, gop: options.gop, seconds: options.publishSeconds }),
        { stdio: ['ignore', 'inherit', 'inherit'] });
    }
    if (options.selfTest) {
      folder = mkdtempSync(join(tmpdir(), 'streamgate-browser-'));
      ffmpeg = startFfmpegLive(folder, options.clock);
      server = await startServer(folder);
      options.url = `http://127.0.0.1:${server.address().port}/media/live.m3u8`;
      summary.url = options.url;
    } else {
      server = await startServer(null);
    }
    await waitForPlaylist(options.url, deadline, options.minSegments);

    // The flags TESTING.md found necessary on this kind of machine; launch()
    // gives Chromium a fresh profile folder of its own.
    browser = await chromium.launch({
      executablePath: options.chromium,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--autoplay-policy=no-user-gesture-required'],
    });
    const page = await browser.newPage();
    page.on('console', (message) => { if (message.type() === 'error') console.error(`page: ${message.text()}`); });
    const query = new URLSearchParams({ src: options.url });
    if (options.clock) query.set('clock', '1');
    if (options.hlsConfig) query.set('config', JSON.stringify(options.hlsConfig));
    const pageUrl = `http://127.0.0.1:${server.address().port}/?${query}`;
    await page.goto(pageUrl);

    let start = null;
    let measuring = false;
    for (;;) {
      const state = await page.evaluate(() => window.snapshot());
      summary.fatal = state.fatal;
      summary.errors = state.errors;
      summary.discontinuities = state.discontinuities;
      summary.latencyMs = state.latencyMs;
      if (!state.supported) throw new Error('hls.js reports that MSE is not supported');
      if (state.fatal) break;
      if (start === null && state.currentTime > 0) start = state.currentTime;
      if (start !== null) summary.advancedSeconds = state.currentTime - start;
      if (!measuring && summary.advancedSeconds >= options.warmup) {
        measuring = true;
        await page.evaluate(() => window.resetSamples());
      }
      if (measuring && state.latencyMs !== null) pdtSamples.push(state.latencyMs);
      if (summary.advancedSeconds >= options.seconds) {
        summary.ok = true;
        break;
      }
      if (Date.now() > deadline) {
        summary.error = `timed out; currentTime ${state.currentTime}, readyState ${state.readyState}`;
        break;
      }
      await sleep(250);
    }
    const clock = await page.evaluate(() => window.clockSamples());
    summary.latency = { pdtMs: distribution(pdtSamples), clockMs: distribution(clock.samples), clockMisreads: clock.misreads };
  } catch (error) {
    summary.error = error.message;
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (server) server.close();
    if (ffmpeg) ffmpeg.kill('SIGKILL');
    if (publisher) publisher.kill('SIGKILL');
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
  return summary;
}

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
const summary = await play(options);
console.log(JSON.stringify(summary));
process.exit(summary.ok ? 0 : 1);
