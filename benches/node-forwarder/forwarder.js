// A plain Node.js `ws` forwarder that stores nothing: issue 11's point of comparison.
// Customers connect to /c/ROOM, reps to /r/ROOM; every customer message goes to the room's
// rep as it is. With ACK=1 the customer also gets a small acknowledgement per message, the
// same two sends per message Switchboard makes (the customer's `ok` and the rep's event).
// Usage: ACK=1 node forwarder.js [PORT]   (prints "listening PORT PID")
'use strict';
const { WebSocketServer } = require('ws');
const ack = process.env.ACK === '1';
const reps = new Map();
const server = new WebSocketServer({ port: Number(process.argv[2] || 0), host: '127.0.0.1' });
server.on('connection', (socket, request) => {
  const [, kind, room] = request.url.split('/');
  if (kind === 'r') {
    reps.set(room, socket);
    socket.on('close', () => reps.delete(room));
    return;
  }
  socket.on('message', (data) => {
    const rep = reps.get(room);
    if (rep) rep.send(data, { binary: false });
    if (ack) socket.send('{"type":"ok"}');
  });
});
server.on('listening', () => console.log(`listening ${server.address().port} ${process.pid}`));
