// The floor of any webhook receiver here: node:http, HMAC of the raw body, 202. Nothing stored.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

const secret = process.env.BENCH_SECRET ?? "";
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const expected = Buffer.from("sha256=" + createHmac("sha256", secret).update(Buffer.concat(chunks)).digest("hex"));
    const given = Buffer.from(String(req.headers["x-hub-signature-256"] ?? ""));
    const ok = given.length === expected.length && timingSafeEqual(given, expected);
    res.writeHead(ok ? 202 : 401, { "content-type": "application/json" });
    res.end(ok ? '{"status":"queued"}' : '{"detail":"bad signature"}');
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : 0}\n`);
});
