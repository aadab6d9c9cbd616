/**
 * @module policy/licences/catalogue
 * What each model licence asks of a derivative (fine-tune, merge, adapter, quantization/conversion and,
 * where the licence says so, a model trained on its outputs). Summaries of the licence texts for a tool
 * to check mechanically — not legal advice.
 *
 * Every obligation carries the clause it comes from ("Llama 3.1 Community License §1.b.i"). `read`
 * says how the entry's facts were read:
 *  - "primary": the licensor's own copy (e.g. meta-llama/llama-models `models/llama3_1/LICENSE`, the SPDX
 *    License List text for SPDX licences);
 *  - "verbatim-copy": a full verbatim copy of the text kept by a third party (the licensor's page was not
 *    in the corpora searched), cross-checked against quotations elsewhere;
 *  - "secondary": only quotations and summaries were found; clause numbers may be unverified (said so at
 *    the clause).
 * The reference texts used for fingerprints are in test/data/licences/ (README.md there gives sources).
 */

/** An obligation's value and the clause it comes from. */
export interface Cited<T> {
  value: T;
  /** Licence name and section, e.g. "Llama 3.1 Community License §1.b.i". */
  clause: string;
}

export type LicenceKind = "permissive" | "attribution" | "share-alike" | "non-commercial" | "restricted" | "unknown";

export interface LicenceEntry {
  /** SPDX identifier where one exists, else the Hugging Face Hub id (or `license_name` slug). */
  id: string;
  spdx?: string;
  /** The Hub's `license:` value; for `license: other` licences, the conventional `license_name`. */
  hub?: string;
  /** Other spellings seen in cards, GGUF metadata and configs (compared after normalisation). */
  aliases: string[];
  name: string;
  url?: string;
  /** Licence family: derivatives may move between versions of one family without relicensing. */
  family: string;
  kind: LicenceKind;
  read: "primary" | "verbatim-copy" | "secondary" | "none";
  /** Phrases that name this licence in its own text (titles); used to tell versions apart, and to
   * recognise licences whose full text is not held (see text-fingerprint.ts). */
  titles: string[];
  /** A derivative's name must begin with this. */
  namePrefix?: Cited<string>;
  /** One of these must be displayed (card, docs, UI). */
  attribution?: Cited<string[]>;
  /** Attribution notice to keep in a "Notice" text file (or NOTICE) distributed with copies. */
  notice?: Cited<string>;
  /** A copy of the licence must go with copies ("copy"), or a copy or a link to it ("copy-or-link"). */
  copyRequired?: Cited<"copy" | "copy-or-link">;
  /** Modified files must carry prominent notices that they were changed. */
  changeNotices?: Cited<true>;
  /** Use restrictions that must be made enforceable in the terms of any redistribution. */
  useRestrictionsFlowDown?: Cited<true>;
  acceptableUsePolicy?: Cited<string>;
  /** Monthly active users above which a separate licence must be requested. */
  mauThreshold?: Cited<number>;
  nonCommercial?: Cited<true>;
  shareAlike?: Cited<true>;
  /** May a more permissive licence be put on a derivative? No for every licence with flow-down terms. */
  mayRelicense: Cited<boolean>;
  /** A model trained on this model's outputs (distillation) counts as a derivative for these terms. */
  appliesToOutputs?: Cited<true>;
  /** Outputs may not be used to improve other large language models. */
  outputUseBan?: Cited<true>;
  /** Multimodal models: no rights for individuals / companies domiciled in the EU (end users exempt). */
  euMultimodalRestriction?: Cited<true>;
  note?: string;
}

const L2 = "Llama 2 Community License";
const L3 = "Meta Llama 3 Community License";

/** The Llama 3.1 / 3.2 / 3.3 / 4 agreements share their wording (read side by side in primary text:
 * meta-llama/llama-models models/{llama3_1,llama3_2,llama3_3,llama4}/LICENSE); only the version, dates
 * and URLs differ. */
function llamaCommunity(version: string, hub: string, url: string, aup: string, eu: boolean, note?: string): LicenceEntry {
  const lic = `Llama ${version} Community License`;
  return {
    id: hub, hub, name: `${lic} Agreement`, url, family: "llama", kind: "restricted", read: "primary",
    aliases: [`llama-${version}`, `llama ${version}`, lic, `${lic} Agreement`, `Llama ${version} License`, `llama${version.replace(".", "_")}`],
    titles: [`Llama ${version} Community License`],
    // §1.b.i, last sentence: "If you use the Llama Materials or any outputs or results of the Llama Materials
    // to create, train, fine tune, or otherwise improve an AI model ... include "Llama" at the beginning of
    // any such AI model name." (§5.a grants the "Llama" mark solely for this.)
    namePrefix: { value: "Llama", clause: `${lic} §1.b.i` },
    // §1.b.i(B): "prominently display "Built with Llama" on a related website, user interface, blogpost,
    // about page, or product documentation".
    attribution: { value: ["Built with Llama"], clause: `${lic} §1.b.i(B)` },
    // §1.b.iii: notice "within a "Notice" text file distributed as a part of such copies".
    notice: { value: `Llama ${version} is licensed under the Llama ${version} Community License, Copyright © Meta Platforms, Inc. All Rights Reserved.`, clause: `${lic} §1.b.iii` },
    // §1.b.i(A): "provide a copy of this Agreement with any such Llama Materials".
    copyRequired: { value: "copy", clause: `${lic} §1.b.i(A)` },
    // §1.b.iv incorporates the Acceptable Use Policy.
    acceptableUsePolicy: { value: aup, clause: `${lic} §1.b.iv` },
    mauThreshold: { value: 700_000_000, clause: `${lic} §2` },
    // The Agreement governs "the Llama Materials (or any derivative works thereof)" (§1.b.i); no clause lets a
    // derivative drop these terms.
    mayRelicense: { value: false, clause: `${lic} §1.b.i` },
    // §1.b.i covers "any outputs or results of the Llama Materials" used to train a model (name prefix).
    appliesToOutputs: { value: true, clause: `${lic} §1.b.i` },
    // USE_POLICY.md (primary, same folder): "With respect to any multimodal models included in Llama X, the
    // rights granted under Section 1(a) ... are not being granted to you if you are an individual domiciled in,
    // or a company with a principal place of business in, the European Union." Present in 3.2, 3.3 and 4;
    // not in 3.1 (no match for the sentence in any stored 3.1 policy).
    ...(eu ? { euMultimodalRestriction: { value: true as const, clause: `Llama ${version} Acceptable Use Policy (EU clause)` } } : {}),
    ...(note ? { note } : {}),
  };
}

export const LICENCES: readonly LicenceEntry[] = [
  {
    // Read in a verbatim copy (meta-llama/llama's stored LICENSE is the earlier GPL-3 code licence; the
    // Llama 2 text was found verbatim in third-party repositories).
    id: "llama2", hub: "llama2", name: "Llama 2 Community License Agreement", url: "https://ai.meta.com/llama/license/",
    family: "llama", kind: "restricted", read: "verbatim-copy",
    aliases: ["llama-2", "llama 2", L2, `${L2} Agreement`, "LLAMA 2 Community License"],
    titles: ["Llama 2 Community License"],
    // §1.b.i: "provide a copy of this Agreement to such third party". No name prefix, no display attribution.
    copyRequired: { value: "copy", clause: `${L2} §1.b.i` },
    notice: { value: "Llama 2 is licensed under the LLAMA 2 Community License, Copyright (c) Meta Platforms, Inc. All Rights Reserved.", clause: `${L2} §1.b.iii` },
    acceptableUsePolicy: { value: "https://ai.meta.com/llama/use-policy", clause: `${L2} §1.b.iv` },
    // §1.b.v: "You will not use the Llama Materials or any output or results of the Llama Materials to improve
    // any other large language model (excluding Llama 2 or derivative works thereof)."
    outputUseBan: { value: true, clause: `${L2} §1.b.v` },
    mauThreshold: { value: 700_000_000, clause: `${L2} §2` },
    mayRelicense: { value: false, clause: `${L2} §1.b.i` },
  },
  {
    // Primary: meta-llama/llama3 LICENSE (with the Acceptable Use Policy appended in the same file).
    id: "llama3", hub: "llama3", name: "Meta Llama 3 Community License Agreement", url: "https://llama.meta.com/llama3/license/",
    family: "llama", kind: "restricted", read: "primary",
    aliases: ["llama-3", "llama 3", "meta-llama-3", L3, `${L3} Agreement`, "Llama 3 Community License"],
    titles: ["Meta Llama 3 Community License"],
    // §1.b.i, last sentence: "include "Llama 3" at the beginning of any such AI model name" (materials only,
    // not outputs: outputs are covered by §1.b.v instead).
    namePrefix: { value: "Llama 3", clause: `${L3} §1.b.i` },
    attribution: { value: ["Built with Meta Llama 3"], clause: `${L3} §1.b.i(B)` },
    notice: { value: "Meta Llama 3 is licensed under the Meta Llama 3 Community License, Copyright © Meta Platforms, Inc. All Rights Reserved.", clause: `${L3} §1.b.iii` },
    copyRequired: { value: "copy", clause: `${L3} §1.b.i(A)` },
    acceptableUsePolicy: { value: "https://llama.meta.com/llama3/use-policy", clause: `${L3} §1.b.iv` },
    outputUseBan: { value: true, clause: `${L3} §1.b.v` },
    mauThreshold: { value: 700_000_000, clause: `${L3} §2` },
    mayRelicense: { value: false, clause: `${L3} §1.b.i` },
  },
  llamaCommunity("3.1", "llama3.1", "https://llama.meta.com/llama3_1/license/", "https://llama.meta.com/llama3_1/use-policy", false),
  llamaCommunity("3.2", "llama3.2", "https://www.llama.com/llama3_2/license/", "https://www.llama.com/llama3_2/use-policy", true),
  llamaCommunity("3.3", "llama3.3", "https://www.llama.com/llama3_3/license/", "https://www.llama.com/llama3_3/use-policy", true,
    "Llama 3.3 is text-only; the EU clause of its Acceptable Use Policy concerns multimodal models."),
  llamaCommunity("4", "llama4", "https://www.llama.com/llama4/license/", "https://www.llama.com/llama4/use-policy", true,
    "Llama 4 models are multimodal, so the EU clause of the Acceptable Use Policy applies to them. The agreement says \"Version Effective Date: April 5, 2025\"."),
  {
    // Verbatim copy of the Gemma Terms of Use ("Last modified: March 24, 2025") kept in a third-party repository;
    // ai.google.dev/gemma/terms itself was not in the corpora. The conditions of §3.1 are unnumbered bullets,
    // cited here by position. A 2026 copy says Gemma 4 is released under Apache-2.0 instead (secondary).
    id: "gemma", hub: "gemma", name: "Gemma Terms of Use", url: "https://ai.google.dev/gemma/terms",
    family: "gemma", kind: "restricted", read: "verbatim-copy",
    aliases: ["gemma terms", "gemma license", "Gemma Terms of Use", "gemma-terms-of-use"],
    titles: ["Gemma Terms of Use"],
    useRestrictionsFlowDown: { value: true, clause: "Gemma Terms of Use §3.1 (1st condition), §3.2" },
    copyRequired: { value: "copy", clause: "Gemma Terms of Use §3.1 (2nd condition)" },
    changeNotices: { value: true, clause: "Gemma Terms of Use §3.1 (3rd condition)" },
    // §3.1 (4th condition): all Distributions other than a Hosted Service "must be accompanied by a "Notice"
    // text file that contains the following notice".
    notice: { value: "Gemma is provided under and subject to the Gemma Terms of Use found at ai.google.dev/gemma/terms", clause: "Gemma Terms of Use §3.1 (4th condition)" },
    acceptableUsePolicy: { value: "https://ai.google.dev/gemma/prohibited_use_policy", clause: "Gemma Terms of Use §3.2" },
    // §3.1 last paragraph: additional or different terms are allowed only if they "must not conflict" with the
    // Agreement, and the §3.2 restrictions must be included as enforceable provisions.
    mayRelicense: { value: false, clause: "Gemma Terms of Use §3.1" },
    // §1.1(e): "Model Derivatives" include models made "by transfer of patterns of the weights, parameters,
    // operations, or Output of Gemma ... including distillation methods".
    appliesToOutputs: { value: true, clause: "Gemma Terms of Use §1.1(e)" },
    note: "Google may restrict usage remotely (§3.2). No MAU threshold.",
  },
  {
    // Secondary only: the full Qwen LICENSE AGREEMENT (e.g. Qwen2.5-72B, 2024-09-19) was not in the corpora.
    // The attribution clause is quoted in Qwen/Qwen2.5-72B-Instruct discussion #18 ("If you use the Materials
    // or any outputs or results therefrom to create, train, fine-tune, or improve an AI model that is
    // distributed or made available, you shall prominently display 'Built with Qwen' or 'Improved using Qwen'
    // in the related product documentation."); section numbers below are NOT verified.
    id: "qwen", hub: "other", name: "Qwen LICENSE AGREEMENT", url: "https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE",
    family: "qwen", kind: "restricted", read: "secondary",
    aliases: ["qwen", "qwen license", "Qwen LICENSE AGREEMENT", "qwen-license", "qwen license agreement"],
    titles: ["Qwen LICENSE AGREEMENT"],
    attribution: { value: ["Built with Qwen", "Improved using Qwen"], clause: "Qwen LICENSE AGREEMENT, attribution clause (§ number not verified)" },
    notice: { value: "Qwen is licensed under the Qwen LICENSE AGREEMENT, Copyright (c) Alibaba Cloud. All Rights Reserved.", clause: "Qwen LICENSE AGREEMENT, redistribution clause (§ number not verified)" },
    copyRequired: { value: "copy", clause: "Qwen LICENSE AGREEMENT, redistribution clause (§ number not verified)" },
    changeNotices: { value: true, clause: "Qwen LICENSE AGREEMENT, redistribution clause (§ number not verified)" },
    mauThreshold: { value: 100_000_000, clause: "Qwen LICENSE AGREEMENT, commercial-use clause (§ number not verified)" },
    mayRelicense: { value: false, clause: "Qwen LICENSE AGREEMENT, redistribution clause (§ number not verified)" },
    appliesToOutputs: { value: true, clause: "Qwen LICENSE AGREEMENT, attribution clause (§ number not verified)" },
  },
  {
    // Secondary only (quotations in third-party notes on Qwen2.5-3B / Qwen2.5-Coder-3B LICENSE files):
    // '"Non-Commercial" shall mean for research or evaluation purposes only'; attribution as in the Qwen licence
    // (one note cites it as §4(b)); the notice sentence was seen quoted without its final words.
    id: "qwen-research", hub: "other", name: "Qwen RESEARCH LICENSE AGREEMENT", family: "qwen", kind: "non-commercial", read: "secondary",
    aliases: ["qwen-research", "qwen research", "Qwen RESEARCH LICENSE AGREEMENT", "qwen research license"],
    titles: ["Qwen RESEARCH LICENSE AGREEMENT"],
    attribution: { value: ["Built with Qwen", "Improved using Qwen"], clause: "Qwen RESEARCH LICENSE AGREEMENT §4(b) (secondary)" },
    notice: { value: "Qwen is licensed under the Qwen RESEARCH LICENSE AGREEMENT, Copyright (c) Alibaba Cloud.", clause: "Qwen RESEARCH LICENSE AGREEMENT §3 (secondary)" },
    copyRequired: { value: "copy", clause: "Qwen RESEARCH LICENSE AGREEMENT §3 (secondary)" },
    nonCommercial: { value: true, clause: "Qwen RESEARCH LICENSE AGREEMENT §2 (\"FOR NON-COMMERCIAL PURPOSES ONLY\"; secondary)" },
    mayRelicense: { value: false, clause: "Qwen RESEARCH LICENSE AGREEMENT §2 (secondary)" },
    appliesToOutputs: { value: true, clause: "Qwen RESEARCH LICENSE AGREEMENT §4(b) (secondary)" },
  },
  {
    // Primary: QwenLM/Qwen LICENSE ("Tongyi Qianwen Release Date: August 3, 2023").
    id: "tongyi-qianwen", hub: "other", name: "Tongyi Qianwen LICENSE AGREEMENT", url: "https://github.com/QwenLM/Qwen/blob/main/LICENSE",
    family: "qwen", kind: "restricted", read: "primary",
    aliases: ["tongyi-qianwen", "tongyi qianwen", "Tongyi Qianwen LICENSE AGREEMENT", "tongyi-qianwen-license"],
    titles: ["Tongyi Qianwen LICENSE AGREEMENT"],
    copyRequired: { value: "copy", clause: "Tongyi Qianwen LICENSE AGREEMENT §3.a" },
    changeNotices: { value: true, clause: "Tongyi Qianwen LICENSE AGREEMENT §3.b" },
    notice: { value: "Tongyi Qianwen is licensed under the Tongyi Qianwen LICENSE AGREEMENT, Copyright (c) Alibaba Cloud. All Rights Reserved.", clause: "Tongyi Qianwen LICENSE AGREEMENT §3.c" },
    mauThreshold: { value: 100_000_000, clause: "Tongyi Qianwen LICENSE AGREEMENT §4" },
    // §5.b: "You can not use the Materials or any output therefrom to improve any other large language model
    // (excluding Tongyi Qianwen or derivative works thereof)."
    outputUseBan: { value: true, clause: "Tongyi Qianwen LICENSE AGREEMENT §5.b" },
    // §3.d allows different terms for modifications only if "use, reproduction, and distribution of the work
    // otherwise complies with the terms and conditions of this Agreement".
    mayRelicense: { value: false, clause: "Tongyi Qianwen LICENSE AGREEMENT §3.d" },
  },
  {
    // Primary: deepseek-ai/DeepSeek-V3 LICENSE-MODEL (DeepSeek License Agreement v1.0, 23 October 2023).
    id: "deepseek", hub: "other", name: "DeepSeek License Agreement", url: "https://github.com/deepseek-ai/DeepSeek-V3/blob/main/LICENSE-MODEL",
    family: "rail", kind: "restricted", read: "primary",
    aliases: ["deepseek", "deepseek-license", "DEEPSEEK LICENSE AGREEMENT", "DeepSeek License Agreement"],
    titles: ["DEEPSEEK LICENSE AGREEMENT"],
    useRestrictionsFlowDown: { value: true, clause: "DeepSeek License Agreement §4.a, §5 and Attachment A" },
    copyRequired: { value: "copy", clause: "DeepSeek License Agreement §4.b" },
    changeNotices: { value: true, clause: "DeepSeek License Agreement §4.c" },
    // §4.e: "may provide additional or different license terms and conditions - respecting paragraph 4.a."
    mayRelicense: { value: false, clause: "DeepSeek License Agreement §4.e" },
    // §1: "Derivatives of the Model" include distillation and "synthetic data by the Model for training".
    appliesToOutputs: { value: true, clause: "DeepSeek License Agreement §1 (\"Derivatives of the Model\")" },
    note: "DeepSeek-R1 and V3-0324 are MIT (DeepSeek-R1 README; secondary for V3-0324).",
  },
  {
    // Verbatim copy of MRL-0.1 found in a third-party repository (mistral.ai/licenses/MRL-0.1.md was not in
    // the corpora).
    id: "mrl", hub: "other", name: "Mistral AI Research License", url: "https://mistral.ai/licenses/MRL-0.1.md",
    family: "mistral", kind: "non-commercial", read: "verbatim-copy",
    aliases: ["mrl", "mistral research license", "Mistral AI Research License", "MRL-0.1", "mrl-0.1"],
    titles: ["Mistral AI Research License"],
    copyRequired: { value: "copy", clause: "Mistral AI Research License §2.2" },
    notice: { value: "Licensed by Mistral AI under the Mistral AI Research License", clause: "Mistral AI Research License §2.2" },
    changeNotices: { value: true, clause: "Mistral AI Research License §2.3" },
    // §3.2 with the §9 definition of "Research Purposes" (excludes any Distribution by a commercial entity).
    nonCommercial: { value: true, clause: "Mistral AI Research License §3.2, §9 (\"Research Purposes\")" },
    // §2.3: terms on Derivatives "shall neither limit such third-party recipients' use ... nor conflict".
    mayRelicense: { value: false, clause: "Mistral AI Research License §2.3, §4.3" },
    // §4.2: "Any Outputs shall be subject to the restrictions set out in Section 3".
    appliesToOutputs: { value: true, clause: "Mistral AI Research License §4.2" },
    note: "§3.1: a derivative must not be presented as an official Mistral AI product.",
  },
  {
    // Secondary only (third-party notes quoting https://mistral.ai/licenses/MNPL-0.1.md).
    id: "mnpl", hub: "other", name: "Mistral AI Non-Production License", url: "https://mistral.ai/licenses/MNPL-0.1.md",
    family: "mistral", kind: "non-commercial", read: "secondary",
    aliases: ["mnpl", "MNPL-0.1", "mnpl-0.1", "Mistral AI Non-Production License"],
    titles: ["Mistral AI Non-Production License"],
    copyRequired: { value: "copy", clause: "Mistral AI Non-Production License (distribution clause; § not verified)" },
    notice: { value: "Licensed by Mistral AI under the Mistral AI Non-Production License", clause: "Mistral AI Non-Production License (distribution clause; § not verified)" },
    nonCommercial: { value: true, clause: "Mistral AI Non-Production License (non-production use only; § not verified)" },
    mayRelicense: { value: false, clause: "Mistral AI Non-Production License (§ not verified)" },
  },
  {
    // Verbatim copy of the "TII Falcon License" (December 2024; the Falcon 3 cards call it "Falcon-LLM License
    // 2.0") kept in a third-party repository, from falconllm.tii.ae/falcon-terms-and-conditions.html.
    id: "falcon-llm-license", hub: "other", name: "TII Falcon License", url: "https://falconllm.tii.ae/falcon-terms-and-conditions.html",
    family: "falcon", kind: "restricted", read: "verbatim-copy",
    aliases: ["falcon-llm-license", "falcon", "TII Falcon License", "Falcon LLM License", "Falcon-LLM License 2.0", "TII Falcon License 2.0"],
    titles: ["TII Falcon License"],
    useRestrictionsFlowDown: { value: true, clause: "TII Falcon License §4.1.1, §5" },
    copyRequired: { value: "copy", clause: "TII Falcon License §4.1.2" },
    changeNotices: { value: true, clause: "TII Falcon License §4.1.3" },
    acceptableUsePolicy: { value: "https://falconllm.tii.ae/", clause: "TII Falcon License §1.11, §5" },
    // §6.1: any public statement regarding a Derivative Work must say "[name] is built using artificial
    // intelligence technology from the Technology Innovation Institute".
    attribution: { value: ["built using artificial intelligence technology from the Technology Innovation Institute"], clause: "TII Falcon License §6.1" },
    mayRelicense: { value: false, clause: "TII Falcon License §4.1.1, §4.2" },
    note: "Falcon-7B/40B are Apache-2.0; Falcon-180B has its own TII Falcon-180B License 1.0 (not read: \"Hosting Use\" restrictions reported).",
  },
  {
    // Primary: Stability-AI/generative-models model_licenses/LICENSE-SDXL1.0 ("CreativeML Open RAIL++-M License
    // dated July 26, 2023"). Paragraph numbers are those the text uses for itself (4.a, 5).
    id: "openrail++", hub: "openrail++", name: "CreativeML Open RAIL++-M License", url: "https://huggingface.co/stabilityai/stable-diffusion-xl-base-1.0/blob/main/LICENSE.md",
    family: "rail", kind: "restricted", read: "primary",
    aliases: ["openrail++", "open rail++-m", "CreativeML Open RAIL++-M", "creativeml-openrail++-m"],
    titles: ["Open RAIL++-M License"],
    useRestrictionsFlowDown: { value: true, clause: "CreativeML Open RAIL++-M License §III para. 4.a, para. 5 and Attachment A" },
    copyRequired: { value: "copy", clause: "CreativeML Open RAIL++-M License §III para. 4.b" },
    changeNotices: { value: true, clause: "CreativeML Open RAIL++-M License §III para. 4.c" },
    mayRelicense: { value: false, clause: "CreativeML Open RAIL++-M License §III para. 4.e" },
    appliesToOutputs: { value: true, clause: "CreativeML Open RAIL++-M License §I (\"Derivatives of the Model\")" },
  },
  railUnread("creativeml-openrail-m", "CreativeML Open RAIL-M", "https://huggingface.co/spaces/CompVis/stable-diffusion-license", ["CreativeML Open RAIL-M"]),
  railUnread("bigscience-openrail-m", "BigScience Open RAIL-M License", "https://bigscience.huggingface.co/blog/bigscience-openrail-m", ["BigScience Open RAIL-M License"]),
  railUnread("bigscience-bloom-rail-1.0", "BigScience RAIL License v1.0", "https://bigscience.huggingface.co/blog/the-bigscience-rail-license", ["BigScience RAIL License v1.0"]),
  railUnread("bigcode-openrail-m", "BigCode OpenRAIL-M License", "https://huggingface.co/spaces/bigcode/bigcode-model-license-agreement", ["BigCode Open RAIL-M"]),
  railUnread("openrail", "OpenRAIL (unspecified variant)", "https://www.licenses.ai/", []),
  {
    // Primary: SPDX License List text (spdx-license-list 6.12.0, licenses/Apache-2.0.json).
    id: "Apache-2.0", spdx: "Apache-2.0", hub: "apache-2.0", name: "Apache License 2.0", url: "https://www.apache.org/licenses/LICENSE-2.0",
    family: "apache", kind: "permissive", read: "primary",
    aliases: ["apache 2.0", "apache2", "apache-2", "Apache License 2.0", "Apache License, Version 2.0", "apache license version 2.0", "apache"],
    titles: ["Apache License Version 2.0"],
    copyRequired: { value: "copy", clause: "Apache License 2.0 §4(a)" },
    changeNotices: { value: true, clause: "Apache License 2.0 §4(b)" },
    // §4(d): a NOTICE file's attributions must be carried only "If the Work includes a "NOTICE" text file".
    // §4, last paragraph: "may provide additional or different license terms and conditions ... for any such
    // Derivative Works as a whole".
    mayRelicense: { value: true, clause: "Apache License 2.0 §4 (last paragraph)" },
    note: "§4(c)-(d): keep copyright/patent/trademark/attribution notices and any NOTICE file's attributions; §6: no trademark grant.",
  },
  {
    // Primary: SPDX License List text.
    id: "MIT", spdx: "MIT", hub: "mit", name: "MIT License", url: "https://opensource.org/license/mit",
    family: "mit", kind: "permissive", read: "primary",
    aliases: ["mit license", "expat"],
    titles: ["MIT License"],
    // "The above copyright notice and this permission notice shall be included in all copies or substantial
    // portions of the Software." The notice is the licence.
    copyRequired: { value: "copy", clause: "MIT License (notice condition)" },
    mayRelicense: { value: true, clause: "MIT License (grant: \"sublicense\")" },
  },
  {
    // Primary: SPDX License List text (OpenMDW-1.0).
    id: "OpenMDW-1.0", spdx: "OpenMDW-1.0", hub: "openmdw-1.0", name: "OpenMDW License Agreement 1.0", url: "https://openmdw.ai/license/",
    family: "openmdw", kind: "permissive", read: "primary",
    aliases: ["openmdw", "OpenMDW License Agreement"],
    titles: ["OpenMDW License Agreement"],
    copyRequired: { value: "copy", clause: "OpenMDW-1.0 (distribution condition)" },
    mayRelicense: { value: true, clause: "OpenMDW-1.0 (grant: \"deal in the Model Materials without restriction\")" },
    note: "Places no restriction on outputs.",
  },
  ccEntry("CC-BY-4.0", "Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/legalcode", ["Creative Commons Attribution 4.0 International"], false, false),
  ccEntry("CC-BY-SA-4.0", "Creative Commons Attribution-ShareAlike 4.0 International", "https://creativecommons.org/licenses/by-sa/4.0/legalcode", ["Attribution-ShareAlike 4.0 International"], false, true),
  ccEntry("CC-BY-NC-4.0", "Creative Commons Attribution-NonCommercial 4.0 International", "https://creativecommons.org/licenses/by-nc/4.0/legalcode", ["Attribution-NonCommercial 4.0 International"], true, false),
  ccEntry("CC-BY-NC-SA-4.0", "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International", "https://creativecommons.org/licenses/by-nc-sa/4.0/legalcode", ["Attribution-NonCommercial-ShareAlike 4.0 International"], true, true),
  {
    // Hub `license: other` with no recognisable name: terms unknown.
    id: "other", hub: "other", name: "Other licence", family: "other", kind: "unknown", read: "none", aliases: [], titles: [],
    mayRelicense: { value: false, clause: "unknown terms" },
  },
  {
    id: "unknown", hub: "unknown", name: "Unknown licence", family: "unknown", kind: "unknown", read: "none", aliases: ["none", "noassertion", "NOASSERTION"], titles: [],
    mayRelicense: { value: false, clause: "unknown terms" },
  },
];

/** RAIL-family licences whose text was not read: the use-restriction flow-down is what FORMATS.md and the
 * RAIL++-M / DeepSeek texts (same template) say; clause numbers are not verified. */
function railUnread(id: string, name: string, url: string, titles: string[]): LicenceEntry {
  return {
    id, hub: id, name, url, family: "rail", kind: "restricted", read: "none", aliases: [name], titles,
    useRestrictionsFlowDown: { value: true, clause: `${name} (use-based restrictions paragraph; text not read)` },
    copyRequired: { value: "copy", clause: `${name} (distribution paragraph; text not read)` },
    mayRelicense: { value: false, clause: `${name} (distribution paragraph; text not read)` },
  };
}

/** Creative Commons 4.0 legal codes (primary: SPDX License List texts). Sections as numbered in the legal code. */
function ccEntry(id: string, name: string, url: string, titles: string[], nc: boolean, sa: boolean): LicenceEntry {
  const short = id.replace(/-4\.0$/, "").replace(/^CC-/, "CC ");
  const lic = `${short} 4.0`;
  return {
    id, spdx: id, hub: id.toLowerCase(), name, url, family: "cc", kind: nc ? "non-commercial" : sa ? "share-alike" : "attribution",
    read: "primary",
    aliases: [name, id.replace(/-/g, " "), `${short} 4.0`, `cc-${id.slice(3).toLowerCase()}`],
    titles,
    // §3(a)(1): retain creator identification, copyright notice, licence and disclaimer notices, URI; indicate
    // changes (B); "indicate the Licensed Material is licensed under this Public License, and include the text
    // of, or the URI or hyperlink to, this Public License" (C). Crediting the creator has no fixed wording, so
    // it is not checked mechanically (see `note`).
    copyRequired: { value: "copy-or-link", clause: `${lic} §3(a)(1)(C)` },
    changeNotices: { value: true, clause: `${lic} §3(a)(1)(B)` },
    ...(nc ? { nonCommercial: { value: true as const, clause: `${lic} §1 ("NonCommercial"), §2(a)(1)` } } : {}),
    // BY-SA §3(b)(1): "The Adapter's License You apply must be a Creative Commons license with the same License
    // Elements, this version or later, or a BY-SA Compatible License."
    ...(sa ? { shareAlike: { value: true as const, clause: `${lic} §3(b)(1)` } } : {}),
    // §3(a)(4) (BY, BY-NC): "the Adapter's License You apply must not prevent recipients of the Adapted Material
    // from complying with this Public License" — a licence that grants commercial use does, for NC material.
    mayRelicense: nc ? { value: false, clause: sa ? `${lic} §2(a)(1), §3(b)(1)` : `${lic} §2(a)(1), §3(a)(4)` } : sa ? { value: false, clause: `${lic} §3(b)(1)` } : { value: true, clause: `${lic} §3(a)(4)` },
    note: `${lic} §3(a)(1)(A): credit the creator(s) as they ask, keep copyright, licence and disclaimer notices.`,
  };
}

function norm(s: string): string {
  return s.normalize("NFKC").toLowerCase().replace(/licence/g, "license").replace(/[^a-z0-9.+]+/g, "");
}

const INDEX = new Map<string, LicenceEntry>();
for (const e of LICENCES) {
  for (const k of [e.id, e.spdx, e.hub === "other" || e.hub === "unknown" ? undefined : e.hub, e.name, ...e.aliases]) {
    if (k === undefined) continue;
    const n = norm(k);
    if (n && !INDEX.has(n)) INDEX.set(n, e);
  }
}

/** The catalogue entry for an id, Hub id, `license_name` slug, alias or licence name; undefined if unknown. */
export function findLicence(idOrName: string): LicenceEntry | undefined {
  const n = norm(idOrName);
  if (!n) return undefined;
  return INDEX.get(n) ?? INDEX.get(n.replace(/agreement$/, "")) ?? INDEX.get(n.replace(/(license|licenseagreement)$/, ""));
}

/** The catalogue entry for an id; "other" when not found. */
export function licenceOrOther(id: string): LicenceEntry {
  return findLicence(id) ?? (LICENCES.find((e) => e.id === "other") as LicenceEntry);
}
