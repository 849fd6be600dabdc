// What every resource file of the benchmark's project shares: the resource's name (from a list
// of nouns), its file's name, and the five HTTP wirings of its functions.

// Nouns for resource names, so the files read like a real API (orders, invoices, tickets...).
const NOUNS = [
  'Order', 'Invoice', 'Ticket', 'Project', 'Shipment', 'Booking', 'Contract', 'Product',
  'Campaign', 'Subscription', 'Warehouse', 'Vehicle', 'Course', 'Lesson', 'Article', 'Event',
  'Payment', 'Refund', 'Quote', 'Lead', 'Asset', 'Incident', 'Survey', 'Recipe', 'Device',
]

export const pascal = (i) => `${NOUNS[i % NOUNS.length]}${Math.floor(i / NOUNS.length) + 1}`
export const camel = (s) => s[0].toLowerCase() + s.slice(1)
export const kebab = (s) => s.replace(/([a-z])([A-Z0-9])/g, '$1-$2').toLowerCase()

export function fileNameFor(i) {
  return `src/functions/${kebab(pascal(i))}.ts`
}

/** The five wirings of one resource's functions: the same for typed and Zod files. */
export function wirings(R, path) {
  return `wireHTTP({ method: 'get', route: '${path}/:id', func: get${R} })
wireHTTP({ method: 'get', route: '${path}', func: list${R}s, auth: false })
wireHTTP({ method: 'post', route: '${path}', func: create${R} })
wireHTTP({ method: 'patch', route: '${path}/:id', func: update${R} })
wireHTTP({ method: 'delete', route: '${path}/:id', func: delete${R} })`
}
