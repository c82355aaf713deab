import { parseAnswer } from './parse-answer';

describe('parseAnswer', () => {
  it('gives the JSON object of an answer', () => {
    expect(parseAnswer<{ code: number }>('{"code":0,"request_id":"r"}')).toEqual({ code: 0, request_id: 'r' });
  });

  it.each(['<html>502 Bad Gateway</html>', '', 'null', '42', '"text"'])('gives {} for %j, which is no JSON object', (text) => {
    expect(parseAnswer(text)).toEqual({});
  });
});
