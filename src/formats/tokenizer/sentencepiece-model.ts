/**
 * @module formats/tokenizer/sentencepiece-model
 * SentencePiece `tokenizer.model`: a serialized `ModelProto` (google/sentencepiece
 * src/sentencepiece_model.proto). Fields read:
 *
 *   ModelProto      pieces = 1 (repeated SentencePiece), trainer_spec = 2, normalizer_spec = 3
 *   SentencePiece   piece = 1 (string), score = 2 (float), type = 3 (enum, default NORMAL)
 *                   NORMAL 1, UNKNOWN 2, CONTROL 3, USER_DEFINED 4, UNUSED 5, BYTE 6
 *   TrainerSpec     model_type = 3 (UNIGRAM 1 default, BPE 2, WORD 3, CHAR 4),
 *                   treat_whitespace_as_suffix = 24, byte_fallback = 35,
 *                   unk_id = 40 (default 0), bos_id = 41 (1), eos_id = 42 (2), pad_id = 43 (-1)
 *   NormalizerSpec  name = 1, precompiled_charsmap = 2, add_dummy_prefix = 3 (default true),
 *                   remove_extra_whitespaces = 4 (default true), escape_whitespaces = 5 (default true)
 *
 * Everything else is skipped.
 */
import { BadInputError } from "../../errors.js";
import type { ByteSource } from "../../io/byte-source.js";
import { ProtoReader, WireType } from "./protobuf.js";
import { readAll } from "./read-all.js";
import { addNote, TokenType, type Vocabulary } from "./vocabulary.js";

const MODEL_TYPES = { 1: "unigram", 2: "bpe", 3: "word", 4: "char" } as const;

interface Trainer {
  modelType: number;
  byteFallback: boolean;
  suffixWhitespace: boolean;
  unk: number;
  bos: number;
  eos: number;
  pad: number;
}

interface Normalizer {
  name: string | undefined;
  charsmapBytes: number;
  addDummyPrefix: boolean;
  removeExtraWhitespaces: boolean;
  escapeWhitespaces: boolean;
}

function readPiece(r: ProtoReader): { piece: string; score: number; type: number } {
  let piece: string | undefined;
  let score = 0;
  let type: number = TokenType.NORMAL;
  while (!r.done()) {
    const tag = r.tag();
    switch (tag.field) {
      case 1:
        r.expect(tag, WireType.LEN, "SentencePiece.piece");
        piece = r.string();
        break;
      case 2:
        r.expect(tag, WireType.I32, "SentencePiece.score");
        score = r.float();
        break;
      case 3:
        r.expect(tag, WireType.VARINT, "SentencePiece.type");
        type = r.int32();
        break;
      default:
        r.skip(tag);
    }
  }
  if (piece === undefined) throw new BadInputError(r.file, "a SentencePiece has no piece string");
  return { piece, score, type };
}

function readTrainer(r: ProtoReader, t: Trainer): void {
  while (!r.done()) {
    const tag = r.tag();
    const varint = (what: string): void => r.expect(tag, WireType.VARINT, `TrainerSpec.${what}`);
    switch (tag.field) {
      case 3: varint("model_type"); t.modelType = r.int32(); break;
      case 24: varint("treat_whitespace_as_suffix"); t.suffixWhitespace = r.bool(); break;
      case 35: varint("byte_fallback"); t.byteFallback = r.bool(); break;
      case 40: varint("unk_id"); t.unk = r.int32(); break;
      case 41: varint("bos_id"); t.bos = r.int32(); break;
      case 42: varint("eos_id"); t.eos = r.int32(); break;
      case 43: varint("pad_id"); t.pad = r.int32(); break;
      default: r.skip(tag);
    }
  }
}

function readNormalizer(r: ProtoReader, n: Normalizer): void {
  while (!r.done()) {
    const tag = r.tag();
    const varint = (what: string): void => r.expect(tag, WireType.VARINT, `NormalizerSpec.${what}`);
    switch (tag.field) {
      case 1: r.expect(tag, WireType.LEN, "NormalizerSpec.name"); n.name = r.string(); break;
      case 2: r.expect(tag, WireType.LEN, "NormalizerSpec.precompiled_charsmap"); n.charsmapBytes = r.bytes().length; break;
      case 3: varint("add_dummy_prefix"); n.addDummyPrefix = r.bool(); break;
      case 4: varint("remove_extra_whitespaces"); n.removeExtraWhitespaces = r.bool(); break;
      case 5: varint("escape_whitespaces"); n.escapeWhitespaces = r.bool(); break;
      default: r.skip(tag);
    }
  }
}

/** Reads a SentencePiece ModelProto from its serialized bytes (`file` is named in errors). */
export function parseSentencePieceModel(bytes: Uint8Array, file: string): Vocabulary {
  const r = new ProtoReader(bytes, file);
  const tokens: string[] = [];
  const scores: number[] = [];
  const types: number[] = [];
  const trainer: Trainer = { modelType: 1, byteFallback: false, suffixWhitespace: false, unk: 0, bos: 1, eos: 2, pad: -1 };
  const norm: Normalizer = { name: undefined, charsmapBytes: 0, addDummyPrefix: true, removeExtraWhitespaces: true, escapeWhitespaces: true };
  let sawTrainer = false;
  while (!r.done()) {
    const tag = r.tag();
    switch (tag.field) {
      case 1: {
        r.expect(tag, WireType.LEN, "ModelProto.pieces");
        const p = readPiece(r.message());
        tokens.push(p.piece);
        scores.push(p.score);
        types.push(p.type);
        break;
      }
      case 2:
        r.expect(tag, WireType.LEN, "ModelProto.trainer_spec");
        readTrainer(r.message(), trainer);
        sawTrainer = true;
        break;
      case 3:
        r.expect(tag, WireType.LEN, "ModelProto.normalizer_spec");
        readNormalizer(r.message(), norm);
        break;
      default:
        r.skip(tag);
    }
  }
  if (tokens.length === 0) throw new BadInputError(file, "SentencePiece model has no pieces");

  const notes: string[] = [];
  const algorithm = MODEL_TYPES[trainer.modelType as keyof typeof MODEL_TYPES] as Vocabulary["algorithm"];
  if (algorithm === undefined) addNote(notes, `unknown trainer_spec.model_type ${trainer.modelType}`);
  if (!sawTrainer) addNote(notes, "no trainer_spec: defaults assumed (unigram, unk 0, bos 1, eos 2)");
  if (trainer.suffixWhitespace) addNote(notes, "treat_whitespace_as_suffix is set: encode still puts the space marker first");
  if (!norm.escapeWhitespaces) addNote(notes, "escape_whitespaces is false: encode still replaces spaces with ▁");
  const nfkc = norm.name !== undefined && /nfkc/i.test(norm.name);
  if (norm.charsmapBytes > 0) {
    addNote(
      notes,
      nfkc
        ? `normalizer "${norm.name ?? ""}" is approximated by Unicode NFKC in encode (its precompiled_charsmap is not applied)`
        : `normalizer "${norm.name ?? "?"}" has a ${norm.charsmapBytes}-byte precompiled_charsmap that encode does not apply`,
    );
  }

  const v: Vocabulary = {
    kind: "sentencepiece",
    tokens,
    scores: Float32Array.from(scores),
    types: Int32Array.from(types),
    source: file,
    spaceMarker: "▁",
    byteFallback: trainer.byteFallback,
    addSpacePrefix: norm.addDummyPrefix,
    removeExtraWhitespaces: norm.removeExtraWhitespaces,
  };
  if (algorithm !== undefined) v.algorithm = algorithm;
  if (nfkc) v.normalization = "NFKC";
  const special = (name: string, id: number): number | undefined => {
    if (id < 0) return undefined;
    if (id >= tokens.length) {
      addNote(notes, `trainer_spec ${name} ${id} is outside the ${tokens.length} pieces`);
      return undefined;
    }
    return id;
  };
  const unk = special("unk_id", trainer.unk);
  const bos = special("bos_id", trainer.bos);
  const eos = special("eos_id", trainer.eos);
  const pad = special("pad_id", trainer.pad);
  if (unk !== undefined) v.unk = unk;
  if (bos !== undefined) v.bos = bos;
  if (eos !== undefined) v.eos = eos;
  if (pad !== undefined) v.pad = pad;
  if (notes.length > 0) v.notes = notes;
  return v;
}

/** Reads a SentencePiece `tokenizer.model` file. */
export function readSentencePieceModel(src: ByteSource): Vocabulary {
  return parseSentencePieceModel(readAll(src, "SentencePiece model"), src.path);
}
