// Starts node-media-server 2.7.4 for bench/compare with a generated config:
//   node nms.js config.json
// The config is NodeMediaServer's own ({rtmp: {port, chunk_size, gop_cache,
// ping, ping_timeout}, logType}) plus "host": NMS 2.7.4 has no listen-address
// option, so net.Server.listen is wrapped to bind that address (loopback).
'use strict';
const fs = require('fs');
const net = require('net');
const path = require('path');

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const host = config.host || '127.0.0.1';
delete config.host;

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (port, ...rest) {
  if (typeof port === 'number' && (rest.length === 0 || typeof rest[0] === 'function')) {
    return listen.call(this, port, host, ...rest);
  }
  return listen.call(this, port, ...rest);
};

const NodeMediaServer = require(path.join(__dirname, 'node_modules', 'node-media-server'));
const server = new NodeMediaServer(config);
server.run();
const stop = () => {
  server.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
