#!/usr/bin/env node
// Writes web/samples/fables.txt: short animal fables made by a small seeded grammar, written for
// this project (no outside text). Big enough (~400 kB) that a small model cannot memorize it in a
// lesson, regular enough that it can learn its patterns; so its validation loss keeps falling
// with its training loss, unlike the three tiny samples.
//
// The patterns a model can learn (the page lists them, strings.js 'sampleFablesAbout'):
// - each of the 40 characters is always the same animal with the same nature and pronoun
//   ("Tilda the clever fox ... she");
// - every fable is a title "The Fox and the Crow", story lines, dialogue lines "NAME: ..." with the
//   speaker's name in capitals, and a last line "Moral: ...", then an empty line;
// - sentences start with a capital and end with ".", "?" or "!";
// - "a" / "an" agree with the next word, "one apple" / "three apples", "this is" / "these are".
//
//   node tests/tools/generate-fables.mjs            rewrites web/samples/fables.txt
//   node tests/tools/generate-fables.mjs --stdout   prints the text instead
// Same seed ⇒ the same bytes (tests/node/fables.test.mjs checks the committed file).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SEED = 20261203;
export const TARGET_CHARS = 400_000;
export const OUTPUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'samples', 'fables.txt');

// [name, animal, nature, pronoun]: fixed for the whole corpus.
export const CHARACTERS = [
  ['Tilda', 'fox', 'clever', 'she'], ['Bram', 'crow', 'proud', 'he'], ['Mira', 'hare', 'quick', 'she'],
  ['Oskar', 'owl', 'wise', 'he'], ['Fenn', 'badger', 'stubborn', 'he'], ['Lotte', 'otter', 'cheerful', 'she'],
  ['Pim', 'mole', 'shy', 'he'], ['Greta', 'heron', 'patient', 'she'], ['Ansel', 'goat', 'greedy', 'he'],
  ['Wren', 'bear', 'gentle', 'she'], ['Ivo', 'mouse', 'brave', 'he'], ['Nell', 'wolf', 'loyal', 'she'],
  ['Ruben', 'toad', 'lazy', 'he'], ['Elsa', 'swan', 'vain', 'she'], ['Tobin', 'beetle', 'busy', 'he'],
  ['Ada', 'lark', 'eager', 'she'], ['Milo', 'deer', 'careful', 'he'], ['Hedda', 'eagle', 'boastful', 'she'],
  ['Jory', 'ant', 'hardworking', 'he'], ['Uma', 'hedgehog', 'kind', 'she'], ['Caspar', 'fox', 'sly', 'he'],
  ['Ilse', 'crow', 'curious', 'she'], ['Odo', 'hare', 'idle', 'he'], ['Pia', 'owl', 'anxious', 'she'],
  ['Ewan', 'badger', 'old', 'he'], ['Runa', 'otter', 'playful', 'she'], ['Albin', 'mole', 'grumpy', 'he'],
  ['Ottilie', 'heron', 'elegant', 'she'], ['Knut', 'goat', 'hungry', 'he'], ['Yara', 'bear', 'sleepy', 'she'],
  ['Emil', 'mouse', 'timid', 'he'], ['Birk', 'wolf', 'fierce', 'he'], ['Lina', 'toad', 'young', 'she'],
  ['Sten', 'swan', 'calm', 'he'], ['Agnes', 'beetle', 'tidy', 'she'], ['Olaf', 'lark', 'noisy', 'he'],
  ['Ida', 'deer', 'gentle', 'she'], ['Hugo', 'eagle', 'restless', 'he'], ['Vera', 'ant', 'thrifty', 'she'],
  ['Finn', 'hedgehog', 'jolly', 'he'],
].map(([name, animal, nature, pronoun]) => ({ name, animal, nature, pronoun }));

// [where one lives ("in the orchard"), the place after "to" ("the orchard")].
export const PLACES = [
  ['in', 'the old mill'], ['by', 'the river'], ['in', 'the dark wood'], ['on', 'the green hill'],
  ['in', 'the orchard'], ['in', 'the marsh'], ['in', 'the meadow'], ['by', 'the stone well'],
  ['under', 'the long bridge'], ['in', 'the red barn'], ['by', 'the pond'], ['near', 'the market'],
  ['near', 'the lighthouse'], ['in', 'the cave'], ['in', 'the garden'], ['in', 'the valley'],
  ['by', 'the harbour'], ['in', 'the ruined tower'], ['in', 'the birch grove'], ['on', 'the sandy shore'],
  ['in', 'the farmyard'], ['in', 'the reeds'], ['under', 'the old oak'], ['near', 'the quarry'],
  ['by', 'the waterfall'], ['in', 'the cabbage field'], ['in', 'the hollow log'], ['on', 'the windy cliff'],
  ['in', 'the snowy pass'], ['by', 'the village gate'],
].map(([prep, place]) => ({ prep, place }));

// [singular, plural]
export const OBJECTS = [
  ['lantern', 'lanterns'], ['apple', 'apples'], ['acorn', 'acorns'], ['key', 'keys'], ['basket', 'baskets'],
  ['drum', 'drums'], ['kite', 'kites'], ['feather', 'feathers'], ['bell', 'bells'], ['coin', 'coins'],
  ['map', 'maps'], ['rope', 'ropes'], ['boat', 'boats'], ['umbrella', 'umbrellas'], ['egg', 'eggs'],
  ['hat', 'hats'], ['ladder', 'ladders'], ['candle', 'candles'], ['honey cake', 'honey cakes'], ['fiddle', 'fiddles'],
  ['mirror', 'mirrors'], ['pebble', 'pebbles'], ['scarf', 'scarves'], ['book', 'books'], ['shell', 'shells'],
  ['box', 'boxes'], ['berry', 'berries'], ['loaf', 'loaves'], ['cherry', 'cherries'], ['onion', 'onions'],
].map(([one, many]) => ({ one, many }));

const TIMES = ['morning', 'evening', 'night', 'day', 'week'];
const SEASONS = ['spring', 'summer', 'autumn', 'winter'];
const WEATHER = ['it began to rain', 'a cold wind came', 'the fog came down', 'the snow began to fall',
  'the sun grew hot', 'a storm came over the hill', 'night fell early'];
const NUMBERS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
const FEELINGS = ['happy', 'sad', 'angry', 'afraid', 'tired', 'ashamed', 'proud', 'surprised'];

/** Deterministic PRNG (mulberry32): the same seed gives the same fables everywhere. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
  };
}

const an = (word) => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);
const cap = (s) => s[0].toUpperCase() + s.slice(1);
const title = (s) => s.split(' ').map(cap).join(' ');
const obj = (c) => (c.pronoun === 'she' ? 'her' : 'him');
const poss = (c) => (c.pronoun === 'she' ? 'her' : 'his');
const count = (n, o) => `${NUMBERS[n - 1]} ${n === 1 ? o.one : o.many}`;
const these = (n, o) => (n === 1 ? `This ${o.one} is` : `These ${o.many} are`);
const say = (c, line) => `${c.name.toUpperCase()}: ${line}`;
const who = (c) => `${c.name} the ${c.animal}`;

/** One fable: an array of lines (title, story, dialogue, moral). */
function fable(r) {
  const a = r.pick(CHARACTERS);
  let b = r.pick(CHARACTERS);
  while (b.animal === a.animal) b = r.pick(CHARACTERS);
  const home = r.pick(PLACES);
  let away = r.pick(PLACES);
  while (away === home) away = r.pick(PLACES);
  const o = r.pick(OBJECTS);
  const n = r.int(1, 12);
  const plot = r.pick([sharing, journey, race, lost, trick]);
  const lines = [];
  lines.push(r.chance(0.5) ? `The ${title(a.animal)} and the ${title(b.animal)}` : `The ${title(a.animal)} and the ${title(o.one)}`);
  lines.push(r.pick([
    () => `Once, ${home.prep} ${home.place}, there lived ${an(a.nature)} ${a.animal} named ${a.name}.`,
    () => `Long ago, ${who(a)} lived ${home.prep} ${home.place}.`,
    () => `${who(a)} lived ${home.prep} ${home.place}, and ${a.pronoun} was very ${a.nature}.`,
    () => `In the ${r.pick(SEASONS)}, ${an(a.nature)} ${a.animal} named ${a.name} made a home ${home.prep} ${home.place}.`,
  ])());
  lines.push(r.pick([
    () => `Every ${r.pick(TIMES)}, ${a.name} counted ${poss(a)} ${o.many}, and ${a.pronoun} had ${count(n, o)}.`,
    () => `${cap(a.pronoun)} had ${count(n, o)}, and ${a.pronoun} kept them ${home.prep} ${home.place}.`,
    () => `${a.name} owned ${count(n, o)} and told everyone about them.`,
  ])());
  plot(r, lines, { a, b, home, away, o, n });
  return lines;
}

function meet(r, lines, { a, b, away }) {
  lines.push(r.pick([
    () => `One ${r.pick(TIMES)}, ${who(b)} came from ${away.place}.`,
    () => `One day ${an(b.nature)} ${b.animal} named ${b.name} came by.`,
    () => `Then ${b.name}, the ${b.nature} ${b.animal}, walked up to ${a.name}.`,
  ])());
  lines.push(say(b, r.pick([`Good ${r.pick(['morning', 'evening', 'day'])}, ${a.name}!`, `Hello, ${a.name}.`, `Is that you, ${a.name}?`])));
  lines.push(say(a, r.pick([`Hello, ${b.name}.`, `Good day to you, ${b.name}.`, `What do you want, ${b.name}?`])));
}

function sharing(r, lines, s) {
  const { a, b, o, n } = s;
  meet(r, lines, s);
  lines.push(say(b, r.pick([`May I have one of your ${o.many}?`, `Will you give me ${an(o.one)}?`, `I have no ${o.many}. Can you help me?`])));
  const shares = n > 1 && r.chance(0.6);
  if (shares) {
    const k = r.int(1, n - 1);
    lines.push(say(a, `${these(n, o)} mine, but you may have ${count(k, o)}.`));
    lines.push(`So ${a.name} gave ${b.name} ${count(k, o)}, and ${b.pronoun} was ${r.pick(['happy', 'glad', 'grateful'])}.`);
    lines.push(`When ${r.pick(SEASONS)} came, ${b.name} brought ${a.name} ${count(r.int(1, 12), r.pick(OBJECTS))} in return.`);
    lines.push(`Moral: ${r.pick(['Those who share are never alone.', 'A gift comes back to the giver.', 'Kindness is a seed that grows.'])}`);
  } else {
    lines.push(say(a, `No. ${these(n, o)} mine, and I will keep ${n === 1 ? 'it' : 'them'}.`));
    lines.push(`${b.name} went away ${r.pick(['sad', 'angry', 'hungry'])}, and ${a.name} sat alone with ${poss(a)} ${n === 1 ? o.one : o.many}.`);
    lines.push(`Then ${r.pick(WEATHER)}, and nobody came to help ${obj(a)}.`);
    lines.push(`Moral: ${r.pick(['A full basket is a poor friend.', 'Who keeps everything keeps no friends.', 'Greed is a lonely guest.'])}`);
  }
}

function journey(r, lines, s) {
  const { a, b, away, o } = s;
  meet(r, lines, s);
  lines.push(say(b, `Where are you going with that ${o.one}?`));
  lines.push(say(a, `I am going to ${away.place}, because ${r.pick(['my mother lives there', 'the road is short', 'I have a friend there', 'the view is fine'])}.`));
  lines.push(say(b, r.pick(['Then I will come with you.', 'May I come too?', 'Wait for me!'])));
  lines.push(`So ${a.name} and ${b.name} walked to ${away.place} together.`);
  lines.push(`On the way ${r.pick(WEATHER)}, and ${a.name} was ${r.pick(['afraid', 'tired', 'cold', 'worried'])}.`);
  const helper = r.chance(0.5) ? a : b;
  lines.push(`But ${helper.name} was ${helper.nature}, so ${helper.pronoun} ${r.pick([`held up the ${o.one}`, 'found a path between the stones', 'sang to keep them warm', `used ${poss(helper)} ${o.one} to help`])}.`);
  lines.push(`When they came to ${away.place}, they ${r.pick(['rested', 'laughed', 'ate a good meal', 'told the story to everyone'])}.`);
  lines.push(`Moral: ${r.pick(['The road is shorter with a friend.', 'Two can carry what one cannot.', 'Help on the way is worth more than gold.'])}`);
}

function race(r, lines, s) {
  const { a, b, away } = s;
  meet(r, lines, s);
  lines.push(say(b, `I am quicker than you, ${a.name}. Let us race to ${away.place}!`));
  lines.push(say(a, r.pick(['Very well. Let us race.', 'If you wish, we will race.', 'I am not quick, but I will try.'])));
  lines.push(`${b.name} ran ahead, but soon ${b.pronoun} ${r.pick(['stopped to rest', 'lay down to sleep', 'stopped to eat', 'stopped to boast'])}.`);
  lines.push(`${a.name} did not stop, and ${a.pronoun} walked on ${r.pick(['step by step', 'all day', 'without a word', 'past the sleeping ' + b.animal])}.`);
  lines.push(`When ${b.name} looked up, ${a.name} was already ${away.prep} ${away.place}.`);
  lines.push(say(b, r.pick(['How did you win?', 'I was quicker!', 'That is not fair!'])));
  lines.push(say(a, r.pick(['I did not stop.', 'Slow and steady, my friend.', 'You rested, and I walked.'])));
  lines.push(`Moral: ${r.pick(['Slow and steady wins the race.', 'Boasting is not winning.', 'The one who keeps going gets there.'])}`);
}

function lost(r, lines, s) {
  const { a, b, home, away, o } = s;
  lines.push(`One ${r.pick(TIMES)}, ${a.name} lost ${poss(a)} best ${o.one}.`);
  lines.push(`${cap(a.pronoun)} looked ${home.prep} ${home.place}, but the ${o.one} was not there.`);
  meet(r, lines, s);
  lines.push(say(b, `Why are you ${r.pick(['sad', 'worried', 'upset'])}, ${a.name}?`));
  lines.push(say(a, `I have lost my ${o.one}. Have you seen it?`));
  lines.push(say(b, r.pick([`I saw ${an(o.one)} ${away.prep} ${away.place}.`, `Let us look ${away.prep} ${away.place}.`, 'I will help you look.'])));
  lines.push(`So they went to ${away.place}, and ${b.name} found the ${o.one} ${r.pick(['under a leaf', 'in the mud', 'behind a stone', 'in a puddle'])}.`);
  lines.push(`${a.name} thanked ${b.name}, and from that day they were friends.`);
  lines.push(`Moral: ${r.pick(['A friend in need is a friend indeed.', 'Two pairs of eyes see more than one.', 'Ask, and help will come.'])}`);
}

function trick(r, lines, s) {
  const { a, b, home, o, n } = s;
  meet(r, lines, s);
  const them = n === 1 ? 'it' : 'them';
  lines.push(say(b, `Your ${n === 1 ? `${o.one} is` : `${o.many} are`} ${r.pick(['old', 'small', 'dull'])}. I will give you ${count(r.int(1, 12), r.pick(OBJECTS))} for ${them}.`));
  if (a.nature === 'clever' || a.nature === 'wise' || r.chance(0.5)) {
    lines.push(say(a, r.pick(['Show me first.', 'I know you, and I will not trade.', `Why do you want ${them} so much?`])));
    lines.push(`${b.name} had nothing to show, so ${b.pronoun} went away ${r.pick(['angry', 'ashamed', 'red in the face'])}.`);
    lines.push(`${a.name} kept ${poss(a)} ${count(n, o)} and laughed.`);
    lines.push(`Moral: ${r.pick(['Look before you trade.', 'Sweet words can hide an empty hand.', 'Ask to see the gold.'])}`);
  } else {
    lines.push(say(a, r.pick(['That is a good trade!', `Yes, take ${them}.`, 'Very well, I agree.'])));
    lines.push(`${a.name} gave away ${poss(a)} ${count(n, o)}, but ${b.name} never came back.`);
    lines.push(`${a.name} waited ${home.prep} ${home.place} until ${r.pick(SEASONS)}, and ${a.pronoun} was ${r.pick(['sad', 'angry', 'ashamed'])}.`);
    lines.push(`Moral: ${r.pick(['A promise is not a payment.', 'If a trade is too good, it is not true.', 'Keep what you have until you see what you get.'])}`);
  }
}

/** The whole corpus: fables separated by an empty line, until `target` characters. */
export function generateFables(seed = SEED, target = TARGET_CHARS) {
  const r = rng(seed);
  const parts = [];
  let size = 0;
  while (size < target) {
    const text = `${fable(r).join('\n')}\n`;
    parts.push(text);
    size += text.length + 1;
  }
  return parts.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = generateFables();
  if (process.argv.includes('--stdout')) process.stdout.write(text);
  else {
    writeFileSync(OUTPUT, text);
    process.stdout.write(`wrote ${OUTPUT} (${text.length} characters)\n`);
  }
}
