module.exports = require('../../jest.preset')(__dirname, { services: ['postgres', 'kafka'] });
