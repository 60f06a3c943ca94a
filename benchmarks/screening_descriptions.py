"""A short description of each labelled review, for the protocol cold start (issue 21).

Written once, from each review's published topic (the paper's title and question; for the
Cohen et al. 2006 sets, the Drug Effectiveness Review Project's drug class and the drugs it
names), before any candidate was run, and never tuned to the results. They stand in for a
review's protocol text (criteria.yaml and the review question) in
benchmarks/screening_model_search.py.
"""

from __future__ import annotations

_DERP = ("Drug Effectiveness Review Project: comparative effectiveness, efficacy and harms "
         "(adverse events, safety) of {drugs}, {use}; randomized controlled trials and "
         "comparative studies.")

DESCRIPTIONS: dict[str, str] = {
    "Nagtegaal_2019": (
        "Nudging healthcare professionals towards evidence-based medicine: a systematic "
        "scoping review. Nudges (changes in choice architecture such as defaults, reminders, "
        "feedback, peer comparison, social norms, framing, salience) aimed at physicians, "
        "nurses, pharmacists and other healthcare professionals to change their clinical "
        "decisions and behaviour; empirical studies of the effect."),
    "Kitchenham_2010": (
        "Systematic literature reviews in software engineering: a tertiary study. Systematic "
        "literature reviews, systematic reviews and mapping studies of software engineering "
        "research (evidence-based software engineering), their topics and quality."),
    "ACEInhibitors": _DERP.format(
        drugs="angiotensin converting enzyme (ACE) inhibitors: benazepril, captopril, "
              "enalapril, fosinopril, lisinopril, moexipril, perindopril, quinapril, ramipril, "
              "trandolapril",
        use="in hypertension, heart failure, after myocardial infarction, diabetic and "
            "non-diabetic nephropathy, high cardiovascular risk"),
    "ADHD": _DERP.format(
        drugs="drugs for attention deficit hyperactivity disorder (ADHD): methylphenidate, "
              "dexmethylphenidate, amphetamine, dextroamphetamine, atomoxetine, pemoline, "
              "bupropion, modafinil",
        use="in children, adolescents and adults with ADHD"),
    "AtypicalAntipsychotics": _DERP.format(
        drugs="atypical (second generation) antipsychotics: aripiprazole, clozapine, "
              "olanzapine, quetiapine, risperidone, ziprasidone",
        use="in schizophrenia, bipolar mania and other psychoses"),
    "CalciumChannelBlockers": _DERP.format(
        drugs="calcium channel blockers: amlodipine, diltiazem, felodipine, isradipine, "
              "nicardipine, nifedipine, nisoldipine, verapamil",
        use="in hypertension, angina, atrial fibrillation and heart failure"),
    "Estrogens": _DERP.format(
        drugs="estrogens (hormone replacement therapy): conjugated estrogens, esterified "
              "estrogens, estradiol, estropipate, ethinyl estradiol",
        use="for menopausal symptoms (hot flashes, vaginal atrophy) and prevention of "
            "osteoporosis in postmenopausal women"),
    "OralHypoglycemics": _DERP.format(
        drugs="oral hypoglycemics: sulfonylureas (glyburide, glipizide, glimepiride, "
              "chlorpropamide, tolbutamide), metformin, thiazolidinediones (pioglitazone, "
              "rosiglitazone), meglitinides (repaglinide, nateglinide), alpha-glucosidase "
              "inhibitors (acarbose, miglitol)",
        use="in adults with type 2 diabetes mellitus"),
    "SkeletalMuscleRelaxants": _DERP.format(
        drugs="skeletal muscle relaxants: baclofen, carisoprodol, chlorzoxazone, "
              "cyclobenzaprine, dantrolene, metaxalone, methocarbamol, orphenadrine, tizanidine",
        use="for spasticity (multiple sclerosis, spinal cord injury) and musculoskeletal "
            "conditions such as low back pain and neck pain"),
    "UrinaryIncontinence": _DERP.format(
        drugs="drugs for overactive bladder and urinary urge incontinence: darifenacin, "
              "flavoxate, oxybutynin, solifenacin, tolterodine, trospium",
        use="in adults with overactive bladder or urge incontinence"),
}
