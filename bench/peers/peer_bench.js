// Times the npm peers on VADER's movie review snippets, one snippet per
// call: vader-sentiment (a JavaScript port of VADER) and sentiment
// (AFINN-165). Prints one JSON object a line: name, snippets, best seconds
// over the rounds, snippets per second.
//
//   node bench/peers/peer_bench.js SNIPPETS_FILE [ROUNDS]
'use strict';
const fs = require('fs');

const file = process.argv[2];
const rounds = Number(process.argv[3] || 5);
const snippets = fs.readFileSync(file, 'utf8')
  .split(/\r?\n/)
  .map((line) => line.split('\t'))
  .filter((f) => f.length >= 3)
  .map((f) => f.slice(2).join('\t'));

function time(name, scoreOne) {
  let best = Infinity;
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (const s of snippets) sink += scoreOne(s);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    best = Math.min(best, seconds);
  }
  console.log(JSON.stringify({
    name, snippets: snippets.length, seconds: best,
    snippets_per_s: snippets.length / best, checksum: sink,
  }));
}

const vader = require('vader-sentiment');
time('vader-sentiment', (s) =>
  vader.SentimentIntensityAnalyzer.polarity_scores(s).compound);

const Sentiment = require('sentiment');
const afinn = new Sentiment();
time('sentiment', (s) => afinn.analyze(s).comparative);
