// Type-checked, never run: a consumer's use of the SDK, so that index.d.ts keeps matching the API.
import { KeyroomClient, GatewaySession, BlobRef, Identity, type Delivery } from '../../src/index.js';

export async function use(): Promise<void> {
  const c = await KeyroomClient.connect({ server: 'https://127.0.0.1:8443', identityFile: 'me.identity', pin: 'sha256/x' });
  const room = await c.rooms.create('ops');
  const seq: number = await c.messages.send(room.room_id, 'hello');
  const ds: Delivery[] = await c.messages.history(room.room_id, { after: seq - 1 });
  for (const d of ds) {
    if (d.accepted) console.log(d.text(), d.sender, d.sentAt.toISOString());
    else console.log(d.reason);
  }
  await c.secrets.put(room.room_id, 'db/password', 'pa55', { ifVersion: 0 });
  console.log((await c.secrets.get(room.room_id, 'db/password')).text());
  const ref: BlobRef = await c.blobs.put(room.room_id, new Uint8Array(3));
  await c.messages.send(room.room_id, ref.toMessage());
  const bytes: Uint8Array = await c.blobs.getBytes(room.room_id, BlobRef.fromMessage(ref.toMessage()));
  console.log(bytes.length);
  const bus = await c.bus();
  bus.subscribe(room.room_id, { after: 0 }, { onDelivery: (d) => console.log(d.seq), onEvicted: (r) => console.log(r) });
  await bus.publish(room.room_id, 'live');
  await bus.close();
  const agent = Identity.generate();
  await c.users.add({ signPub: agent.signPub, kexPub: agent.kexPub, name: 'a', role: 'agent' });
  await c.rooms.invite(room.room_id, agent.endpoint, 'member');
  const epoch: number = await c.rooms.rekey(room.room_id, [agent.endpoint]);
  console.log(epoch);
  const s = await GatewaySession.open({ gateway: 'http://127.0.0.1:8480', identity: agent, caFile: 'gw/ca.pem' });
  const r = await s.fetch('https://api.example/v1', { method: 'GET' });
  console.log(r.status, await r.text());
  await s.close();
  c.close();
}
