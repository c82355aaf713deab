export { startKafkaBroker, type KafkaBroker, type KafkaBrokerOptions } from './kafka-broker';
