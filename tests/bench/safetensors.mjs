// A minimal .safetensors reader for the bench (F32 tensors only, as our checkpoints are):
// 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}, __metadata__},
// then the raw little-endian data.

/**
 * @param {Uint8Array} bytes
 * @returns {{metadata: Record<string,string>, tensors: Map<string, {shape:number[], data:Float32Array}>}}
 */
export function parseSafetensors(bytes) {
  if (!new Uint8Array(new Uint16Array([1]).buffer)[0]) throw new Error('safetensors: big-endian hosts are not supported');
  if (bytes.length < 8) throw new Error(`safetensors: ${bytes.length} bytes is too short for a header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (8 + headerLen > bytes.length) throw new Error(`safetensors: header length ${headerLen} exceeds the file`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
  const base = 8 + headerLen;
  const tensors = new Map();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (entry.dtype !== 'F32') throw new Error(`safetensors: ${name} has dtype ${entry.dtype}, only F32 is read here`);
    const [begin, end] = entry.data_offsets;
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== 4 * count) throw new Error(`safetensors: ${name} has ${end - begin} bytes for ${count} floats`);
    // Copy to an aligned buffer: the data section need not start on a 4-byte boundary.
    const data = new Float32Array(count);
    new Uint8Array(data.buffer).set(bytes.subarray(base + begin, base + end));
    tensors.set(name, { shape: entry.shape, data });
  }
  return { metadata: header.__metadata__ ?? {}, tensors };
}
