// The Lambda handler behind real HTTP, for the contract suites: a node:http listener that turns
// each request into the event API Gateway or a load balancer would send (the shapes of AWS's
// documented examples) and the handler's result back into the answer they would give.
// REST API events carry bodies as text, HTTP API (2.0) and load balancer events as base64 (as
// they do for binary types), and the load balancer's target group has multi-value headers on.
// As on AWS, an HTTP API decodes the path, REST APIs and load balancers pass it as it came; a
// REST API decodes query values, a load balancer does not.
import type { IncomingMessage, ServerResponse } from 'node:http'

import type { HttpEvent, HttpResult } from '@pikku/native/lambda'

export type LambdaKind = 'lambda-v1' | 'lambda-v2' | 'lambda-alb'

/** A node:http listener in front of `handler`, speaking as the source `kind`. */
export function lambdaBridge(kind: LambdaKind, handler: (event: HttpEvent) => Promise<HttpResult>) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      handler(eventOf(kind, req, Buffer.concat(chunks)))
        .then((result) => writeResult(res, result))
        .catch(() => {
          res.writeHead(502) // what API Gateway answers when the function fails
          res.end()
        })
    })
  }
}

function eventOf(kind: LambdaKind, req: IncomingMessage, body: Buffer): HttpEvent {
  const url = new URL(req.url ?? '/', 'http://lambda')
  const rawQuery = (req.url ?? '').split('?')[1] ?? ''
  const pairs = rawQuery === '' ? [] : rawQuery.split('&').map((pair) => [pair.split('=')[0]!, pair.split('=').slice(1).join('=')] as const)
  const method = req.method ?? 'GET'
  const headersDistinct = req.headersDistinct as Record<string, string[]>
  if (kind === 'lambda-v2') {
    const headers = Object.fromEntries(Object.entries(headersDistinct).filter(([name]) => name !== 'cookie').map(([name, values]) => [name, values.join(',')]))
    const cookies = (req.headers.cookie ?? '').split(/;\s*/).filter(Boolean)
    return {
      version: '2.0',
      routeKey: '$default',
      rawPath: decodeURIComponent(url.pathname),
      rawQueryString: rawQuery,
      ...(cookies.length ? { cookies } : {}),
      headers,
      requestContext: { accountId: '123456789012', apiId: 'api-id', domainName: 'id.execute-api.us-east-1.amazonaws.com', http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'agent' }, requestId: 'id', routeKey: '$default', stage: '$default', time: '12/Mar/2020:19:03:58 +0000', timeEpoch: 1583348638390 },
      ...(body.length ? { body: body.toString('base64'), isBase64Encoded: true } : { isBase64Encoded: false }),
    } as unknown as HttpEvent
  }
  const multiValueHeaders = Object.fromEntries(Object.entries(headersDistinct))
  if (kind === 'lambda-alb') {
    // A load balancer passes query values as they came; a REST API decodes them.
    const multiValueQueryStringParameters = grouped(pairs)
    return {
      requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/lambda-target/6d0ecf831eec9f09' } },
      httpMethod: method,
      path: url.pathname,
      multiValueQueryStringParameters,
      multiValueHeaders,
      body: body.length ? body.toString('base64') : '',
      isBase64Encoded: body.length > 0,
    } as unknown as HttpEvent
  }
  const decode = (text: string) => decodeURIComponent(text)
  const multiValueQueryStringParameters = grouped(pairs.map(([key, value]) => [decode(key), decode(value)]))
  return {
    resource: '/{proxy+}',
    path: url.pathname,
    httpMethod: method,
    headers: Object.fromEntries(Object.entries(multiValueHeaders).map(([name, values]) => [name, values.at(-1)])),
    multiValueHeaders,
    queryStringParameters: pairs.length ? Object.fromEntries(Object.entries(multiValueQueryStringParameters).map(([key, values]) => [key, values.at(-1)])) : null,
    multiValueQueryStringParameters: pairs.length ? multiValueQueryStringParameters : null,
    pathParameters: { proxy: url.pathname.slice(1) },
    stageVariables: null,
    requestContext: { accountId: '123456789012', resourceId: '123456', stage: 'prod', requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', identity: { sourceIp: '192.0.2.1' }, resourcePath: '/{proxy+}', httpMethod: method, apiId: '1234567890', protocol: 'HTTP/1.1' },
    body: body.length ? body.toString('utf8') : null,
    isBase64Encoded: false,
  } as unknown as HttpEvent
}

/** Values by key, as own properties (a `__proto__` key included, as JSON.parse makes it). */
function grouped(pairs: readonly (readonly [string, string])[]): Record<string, string[]> {
  const byKey = new Map<string, string[]>()
  for (const [key, value] of pairs) byKey.set(key, [...(byKey.get(key) ?? []), value])
  return Object.fromEntries(byKey)
}

function writeResult(res: ServerResponse, result: HttpResult): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value)
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) res.setHeader(name, values)
  if (result.cookies?.length) res.setHeader('set-cookie', result.cookies)
  const body = Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8')
  res.setHeader('content-length', body.length)
  res.writeHead(result.statusCode)
  res.end(body)
}
