'use strict';
/**
 * Scenario 7's poison: bytes no decoder accepts (not UTF-8), keyed like a tenant's events so
 * they land in a partition that tenant's events keep flowing through, on the events topic and
 * on the first retry tier. Both must come out on the dead-letter topic, byte for byte.
 */
const { randomBytes } = require('node:crypto');
const { Kafka, logLevel } = require('kafkajs');

const poisons = new WeakMap();

function kafkaOf(shared) {
  return new Kafka({ clientId: 'fault-matrix', brokers: shared.kafka.brokers, logLevel: logLevel.NOTHING });
}

async function producePoison(shared, stack) {
  const values = [Buffer.concat([Buffer.from([0xff, 0xfe, 0xfd]), randomBytes(8)]), Buffer.concat([Buffer.from([0xc3, 0x28]), randomBytes(8)])];
  poisons.set(stack, values);
  const producer = kafkaOf(shared).producer();
  await producer.connect();
  try {
    const key = stack.tenants[0].id;
    await producer.send({ topic: `${stack.prefix}events.ingested`, messages: [{ key, value: values[0] }] });
    await producer.send({ topic: `${stack.prefix}events.retry.1s`, messages: [{ key, value: values[1] }] });
  } finally {
    await producer.disconnect();
  }
}

/** Problems, if any: a poison message missing from the dead-letter topic after 30 s. */
async function poisonDeadLettered(shared, stack) {
  const wanted = poisons.get(stack) ?? [];
  const found = new Set();
  const consumer = kafkaOf(shared).consumer({ groupId: `${stack.prefix}fault-matrix-dlq-reader` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [`${stack.prefix}events.dead-letter`], fromBeginning: true });
    const done = new Promise((resolve) => {
      const timer = setTimeout(resolve, 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          wanted.forEach((value, i) => message.value && Buffer.compare(message.value, value) === 0 && found.add(i));
          if (found.size === wanted.length) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await done;
  } finally {
    await consumer.disconnect();
  }
  const topics = ['events topic', 'retry topic'];
  return wanted.map((_, i) => i).filter((i) => !found.has(i)).map((i) => `the poison on the ${topics[i]} was not dead-lettered`);
}

module.exports = { poisonDeadLettered, producePoison };
