// The petstore's orders backend: a small Lambda proxy handler, enough to exercise the gateway.
// A real deployment points the `orders-fn` binding at its own service.
const orders = new Map();

exports.handler = async (event) => {
  const json = (statusCode, body) => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (event.httpMethod === 'POST') {
    let input;
    try {
      input = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body || '', 'base64').toString('utf8') : event.body || '{}');
    } catch {
      return json(400, { message: 'body must be JSON' });
    }
    const id = String(orders.size + 1);
    const order = { id, petId: input.petId, quantity: input.quantity, channel: input.channel, status: 'placed' };
    orders.set(id, order);
    return json(201, order);
  }
  const order = orders.get(event.pathParameters && event.pathParameters.orderId);
  return order ? json(200, { ...order, customer: { email: 'owner@example.com' }, payment: { card: '4111-xxxx' } }) : json(404, { message: 'no such order' });
};
