// The app of bench/engine.mjs, described once and served by both sides: four routes, one
// input schema, the body limit, and sessions as a bearer JWT (HS256) with the engine's default
// leeway.
const item = { type: 'object', properties: { name: { type: 'string' }, qty: { type: 'integer' }, price: { type: 'number' } },
  required: ['name', 'qty', 'price'], additionalProperties: false };
const TodoInput = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, notify: { type: 'boolean' }, title: { type: 'string', minLength: 1 },
    done: { type: 'boolean' }, tags: { type: 'array', items: { type: 'string' } }, items: { type: 'array', items: item },
  },
  required: ['title'],
  additionalProperties: false,
};
export const routes = [
  { method: 'post', route: '/todos/:id', auth: false, inputSchema: 'TodoInput' },
  { method: 'post', route: '/todos', auth: false, inputSchema: 'TodoInput' },
  { method: 'get', route: '/hello', auth: false },
  { method: 'post', route: '/secure/todos/:id', auth: true, inputSchema: 'TodoInput' },
];
export const schemas = { TodoInput };
export const MAX_BODY = 1 << 20;
// Sessions: a JWT in `Authorization: Bearer`, HS256 only, with the engine's default leeway.
export const JWT_SECRET = 'bench-secret-0123456789abcdef-0123456789abcdef'; // 46 bytes (the engine wants 32+)
export const LEEWAY_S = 30;
export const session = { jwt: { algorithm: 'HS256', secret: JWT_SECRET, leewaySeconds: LEEWAY_S } };
