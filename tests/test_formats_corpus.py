"""Every export dialect in tests/data/exports, imported through ``import_files`` into a
real store: record count, the first record's line and id, and field values read from
the file by eye (ASReview's pattern: one parametrised reader test over a corpus of real
exports named after their source). The copies and their origins: tests/data/exports/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from review.corpus import import_files
from review.store import Store, schema

EXPORTS = Path(__file__).resolve().parent / "data" / "exports"

# (file, format, records, first record's line, source_id, title starts with,
#  first author (family, given), year, DOI, journal, first page, last page)
CORPUS = [
    ("asreview/_baseline.ris", "ris", 5, 1, '000-463-679-101-319', 'The Value of Radiologic Interventions and 18 F-DOPA PET in D', ('Blomberg', 'Björn A.'), 2012, '10.1007/s11307-012-0572-0', 'Molecular imaging and biology', '97', '105'),
    ("asreview/baseline_zotero.ris", "ris", 5, 1, None, 'An open source machine learning framework for efficient and ', ('van de Schoot', 'Rens'), 2021, '10.1038/s42256-020-00287-7', 'Nature Machine Intelligence', '125', '133'),
    ("asreview/embase.csv", "csv", 5, 2, None, 'Duplication cysts: Diagnosis, management, and the role of en', ('Liu', 'R.'), 2014, '10.4103/2303-9027.138783', 'Endoscopic Ultrasound', '152', '160'),
    ("asreview/embase.ris", "ris", 5, 1, 'L373791783', 'Duplication cysts: Diagnosis, management, and the role of en', ('Liu', 'R.'), 2014, '10.4103/2303-9027.138783', 'Endoscopic Ultrasound', '152', '160'),
    ("asreview/embase_newpage.csv", "csv", 5, 2, None, 'Duplication cysts: Diagnosis, management, and the role of en', ('Liu', 'R.'), 2014, '10.4103/2303-9027.138783', 'Endoscopic Ultrasound', '152', '160'),
    ("asreview/ovid_psycinfo.ris", "ris", 4, 2, '2019-65183-001', 'The influence of self-criticism on depression symptoms among', ('Trindade', 'Ines A'), 2019, '10.1002/cpp.2398', 'Clinical Psychology & Psychotherapy', None, None),
    ("asreview/ovid_zotero.ris", "ris", 6, 1, None, 'The influence of self-criticism on depression symptoms among', ('Trindade', 'Ines A'), 2019, '10.1002/cpp.2398', 'Clinical Psychology & Psychotherapy', None, None),
    ("asreview/proquest.ris", "ris", 5, 1, '2214991469; 51887', 'Predictors of posttraumatic stress symptom trajectories foll', ('Jones', 'Hannah'), 2019, '10.1002/jts.22387', 'Journal of Traumatic Stress', None, None),
    ("asreview/pubmed_endnote.txt", "ris", 5, 2, '369', 'Boswellia serrata: an overall assessment of in vitro, precli', ('Abdel-Tawab', 'M.'), 2011, '10.2165/11586800-000000000-00000', 'Clin Pharmacokinet', '349', '369'),
    ("asreview/pubmed_zotero.ris", "ris", 6, 1, None, 'The importance of cognitive flexibility and flexibility in c', ('Rudnik', 'Agata'), 2019, '10.5114/pg.2018.81081', 'Przeglad gastroenterologiczny', '121', '128'),
    ("asreview/ris_issue_1099.txt", "ris", 7, 1, '2-s2.0-85054091539', 'Design and prototyping of directly driven outer rotor perman', ('Vaimann', 'T.'), 2018, '10.15598/aeee.v16i3.2698', 'Advances in Electrical and Electronic Engineering', '271', '278'),
    ("asreview/ris_issue_992.txt", "ris", 5, 1, '1', 'Overcoming Medication Reconciliation Challenges', (None, None), 2011, None, 'Joint Commission Perspectives on Patient Safety', '1', '5'),
    ("asreview/scopus.ris", "ris", 2, 1, '2-s2.0-85074596690', 'Stress and the brain-gut axis in functional and chronic-infl', ('Labanski', 'A.'), 2020, '10.1016/j.psyneuen.2019.104501', 'Psychoneuroendocrinology', '104501', None),
    ("asreview/web_of_science.txt", "ris", 5, 1, 'WOS:000444108200009', 'Holding Yourself Captive: Perceptions of Custody During Inte', ('Alceste', 'F'), 2018, '10.1016/j.jarmac.2018.03.001', 'JOURNAL OF APPLIED RESEARCH IN MEMORY AND COGNITION', '387', '397'),
    ("citation-file-formatting/CSV/_baseline.csv", "csv", 5, 2, '000-463-679-101-319', 'The Value of Radiologic Interventions and 18 F-DOPA PET in D', ('Blomberg', 'Björn A.'), 2012, '10.1007/s11307-012-0572-0', 'Molecular imaging and biology', '97', '105'),
    ("citation-file-formatting/CSV/_baseline_abstrackr.csv", "csv", 10, 2, '41893415', 'A new small duckbilled dinosaur (Hadrosauridae: Lambeosaurin', ('Longrich', 'N.R.'), None, None, 'Sci Rep', None, None),
    ("citation-file-formatting/CSV/_baseline_cinahl.csv", "csv", 5, 2, '176404503', 'Osteohistological insight into the growth dynamics of early ', ('Curry Rogers', 'Kristina'), 2024, '10.1371/journal.pone.0298242', 'PLoS ONE', '1', '60'),
    ("citation-file-formatting/CSV/_baseline_cochrane.csv", "csv", 3, 2, 'CN-00778158', 'The Incredible Years Therapeutic Dinosaur Programme to build', ('Bywater', 'T'), 2011, '10.1186/1745-6215-12-39', 'Trials', '39', None),
    ("citation-file-formatting/CSV/_baseline_covidence.csv", "csv", 10, 2, '#1', 'Cellular structure of dinosaur scales reveals retention of r', ('Yang', 'Z.'), 2024, '10.1038/s41467-024-48400-3', 'Nature Communications', None, None),
    ("citation-file-formatting/CSV/_baseline_embase.csv", "csv", 5, 5, 'L2029880245', 'Cellular structure of dinosaur scales reveals retention of r', ('Yang', 'Z.'), 2024, '10.1038/s41467-024-48400-3', 'Nature Communications', None, None),
    ("citation-file-formatting/CSV/_baseline_excel.csv", "csv", 5, 5, 'L2029880245', 'Cellular structure of dinosaur scales reveals retention of r', ('Yang', 'Z.'), 2024, '10.1038/s41467-024-48400-3', 'Nature Communications', None, None),
    ("citation-file-formatting/CSV/_baseline_googlescholar.csv", "csv", 10, 2, None, 'Did dinosaurs invent flowers? Dinosaur–angiosperm coevolutio', ('Barrett', 'Paul M'), 2001, None, 'Biological Reviews', '411', '447'),
    ("citation-file-formatting/CSV/_baseline_openalex.csv", "csv", 2, 2, 'https://openalex.org/W4387881419', 'A bioprovince for the Barremian–Aptian charophytes of the Ce', ('Vicente', 'Alba'), 2024, '10.1016/j.cretres.2023.105752', 'Cretaceous Research', '105752', '105752'),
    ("citation-file-formatting/CSV/_baseline_pubmed.csv", "csv", 10, 2, '30922926', 'Time lapse: A glimpse into prehistoric genomics', ('Griffin', 'DK'), 2020, '10.1016/j.ejmg.2019.03.004', 'Eur J Med Genet', '103640', None),
    ("citation-file-formatting/CSV/_baseline_rayyan.csv", "csv", 5, 2, 'rayyan-42924189', 'Cellular structure of dinosaur scales reveals retention of r', ('Yang', 'Z.'), 2024, '10.1038/s41467-024-48400-3', 'Nat. Commun.', None, None),
    ("citation-file-formatting/CSV/_baseline_scopus.csv", "csv", 2, 2, '2-s2.0-85189760133', 'Global latitudinal gradients and the evolution of body size ', ('Wilson', 'Lauren N.'), 2024, '10.1038/s41467-024-46843-2', 'Nature Communications', '2864', None),
    ("citation-file-formatting/CSV/_baseline_zotero.csv", "csv", 5, 2, 'YVC6GC78', 'Cellular structure of dinosaur scales reveals retention of r', ('Yang', 'Z.'), 2024, '10.1038/s41467-024-48400-3', 'Nature Communications', None, None),
    ("citation-file-formatting/RIS/_baseline.ris", "ris", 5, 1, '000-463-679-101-319', 'The Value of Radiologic Interventions and 18 F-DOPA PET in D', ('Blomberg', 'Björn A.'), 2012, '10.1007/s11307-012-0572-0', 'Molecular imaging and biology', '97', '105'),
    ("citation-file-formatting/RIS/_baseline_cinahl.ris", "ris", 5, 1, '176404503', 'Osteohistological insight into the growth dynamics of early ', ('Curry Rogers', 'Kristina'), 2024, '10.1371/journal.pone.0298242', 'PLoS ONE', '1', '60'),
    ("citation-file-formatting/RIS/_baseline_citavi.ris", "ris", 5, 1, None, 'Postoperative headache after surgical treatment of cerebello', ('Pogoda', 'Louis'), 2021, '10.1007/s00405-021-06627-6', 'European archives of oto-rhino-laryngology : official journal of the European Federation of Oto-Rhino-Laryngological Societies (EUFOS) : affiliated with the German Society for Oto-Rhino-Laryngology - Head and Neck Surgery', '3643', '3651'),
    ("citation-file-formatting/RIS/_baseline_cochrane_endnote.ris", "ris", 3, 5, 'CN-00778158', 'The Incredible Years Therapeutic Dinosaur Programme to build', ('Bywater', 'T'), 2011, '10.1186/1745-6215-12-39', 'Trials', '39', None),
    ("citation-file-formatting/RIS/_baseline_cochrane_procite.ris", "ris", 3, 5, 'CN-00778158', 'The Incredible Years Therapeutic Dinosaur Programme to build', ('Bywater', 'T'), 2011, '10.1186/1745-6215-12-39', 'Trials', '39', None),
    ("citation-file-formatting/RIS/_baseline_cochrane_refman.ris", "ris", 3, 5, 'CN-00778158', 'The Incredible Years Therapeutic Dinosaur Programme to build', ('Bywater', 'T'), 2011, '10.1186/1745-6215-12-39', 'Trials', '39', None),
    ("citation-file-formatting/RIS/_baseline_covidence_endnote.ris", "ris", 5, 1, None, 'Cellular structure of dinosaur scales reveals retention of r', ('Yang', 'Z.'), 2024, '10.1038/s41467-024-48400-3', 'Nature Communications', None, None),
    ("citation-file-formatting/RIS/_baseline_covidence_mendeley.ris", "ris", 5, 1, None, 'Cellular structure of dinosaur scales reveals retention of r', ('Yang', 'Z.'), 2024, '10.1038/s41467-024-48400-3', 'Nature Communications', None, None),
    ("citation-file-formatting/RIS/_baseline_covidence_refworks.ris", "ris", 5, 1, None, 'Cellular structure of dinosaur scales reveals retention of r', ('Yang', 'Z.'), 2024, '10.1038/s41467-024-48400-3', 'Nature Communications', None, None),
    ("citation-file-formatting/RIS/_baseline_covidence_zotero.ris", "ris", 5, 1, None, 'Cellular structure of dinosaur scales reveals retention of r', ('Yang', 'Z.'), 2024, '10.1038/s41467-024-48400-3', 'Nature Communications', None, None),
    ("citation-file-formatting/RIS/_baseline_embase.ris", "ris", 5, 1, 'L2029880245', 'Cellular structure of dinosaur scales reveals retention of r', ('Yang', 'Z.'), 2024, '10.1038/s41467-024-48400-3', 'Nature Communications', None, None),
    ("citation-file-formatting/RIS/_baseline_endnote.ris", "ris", 5, 1, '889', 'Description of a new specimen of Haplocanthosaurus from the ', ('Boisvert', 'C.'), 2024, '10.1002/ar.25520', 'Anatomical Record', None, None),
    ("citation-file-formatting/RIS/_baseline_eppireviewer.ris", "ris", 5, 1, '102199191', 'A juvenile bird with possible crown-group affinities from a ', ('Brownstein', 'C D'), 2024, '10.1186/s12862-024-02210-9', 'BMC ecology and evolution', '20', None),
    ("citation-file-formatting/RIS/_baseline_eric_ovid.ris", "ris", 5, 2, 'EJ389705', 'Creationism and the Dinosaur Boom', ('Stokes', 'William Lee'), 1989, None, 'Journal of Geological Education', '24', '26'),
    ("citation-file-formatting/RIS/_baseline_googlescholar.ris", "ris", 10, 1, None, 'Did dinosaurs invent flowers? Dinosaur–angiosperm coevolutio', ('Barrett', 'Paul M'), 2001, None, 'Biological Reviews', '411', '447'),
    ("citation-file-formatting/RIS/_baseline_mdpi.ris", "ris", 5, 1, None, 'Oil and the Best Brain of the 20th Century', ('Banks', 'Ferdinand E.'), 2010, '10.3390/en3050940', 'Energies', '940', '942'),
    ("citation-file-formatting/RIS/_baseline_mendeley.ris", "ris", 5, 1, None, 'Description of a new specimen of Haplocanthosaurus from the ', ('Boisvert', 'C'), 2024, '10.1002/ar.25520', 'Anatomical Record', None, None),
    ("citation-file-formatting/RIS/_baseline_openalex.ris", "ris", 5, 1, None, 'A bioprovince for the Barremian–Aptian charophytes of the Ce', ('Vicente', 'Alba'), 2024, '10.1016/j.cretres.2023.105752', 'Cretaceous Research', '105752', '105752'),
    ("citation-file-formatting/RIS/_baseline_psychInfo_ovid.ris", "ris", 2, 2, '2021-94054-001', 'DINOSAUR: An integrated cognitive-behavioral treatment for a', ('Keefer', 'Amy'), 2021, '10.1186/s11689-021-09396-9', 'Journal of Neurodevelopmental Disorders', None, None),
    ("citation-file-formatting/RIS/_baseline_pubmed.ris", "medline", 5, 1, '30922926', 'Time lapse: A glimpse into prehistoric genomics', ('Griffin', 'Darren K'), 2020, '10.1016/j.ejmg.2019.03.004', 'European journal of medical genetics', '103640', None),
    ("citation-file-formatting/RIS/_baseline_rayyan.ris", "ris", 5, 1, 'rayyan-42924189', 'Cellular structure of dinosaur scales reveals retention of r', ('Yang', 'Z.'), 2024, '10.1038/s41467-024-48400-3', 'Nat. Commun.', None, None),
    ("citation-file-formatting/RIS/_baseline_refworks.ris", "ris", 5, 2, 'RefID:888-boisvert2024description', 'Description of a new specimen of Haplocanthosaurus from the ', ('Boisvert', 'C.'), 2024, '10.1002/ar.25520', 'Anatomical Record', None, None),
    ("citation-file-formatting/RIS/_baseline_scopus.ris", "ris", 5, 1, '2-s2.0-85189760133', 'Global latitudinal gradients and the evolution of body size ', ('Wilson', 'L.N.'), 2024, '10.1038/s41467-024-46843-2', 'Nature Communications', '2864', None),
    ("citation-file-formatting/RIS/_baseline_webofscience.ris", "ris", 5, 1, 'WOS:000282053100002', 'New Horned Dinosaurs from Utah Provide Evidence for Intracon', ('Sampson', 'SD'), 2010, '10.1371/journal.pone.0012292', 'PLOS ONE', 'e12292', None),
    ("citation-file-formatting/RIS/_baseline_zotero.ris", "ris", 5, 1, None, 'Cellular structure of dinosaur scales reveals retention of r', ('Yang', 'Z.'), 2024, '10.1038/s41467-024-48400-3', 'Nature Communications', None, None),
    ("citation-file-formatting/TSV/_baseline.tsv", "csv", 5, 2, '000-463-679-101-319', 'The Value of Radiologic Interventions and 18 F-DOPA PET in D', ('Blomberg', 'Björn A.'), 2012, '10.1007/s11307-012-0572-0', 'Molecular imaging and biology', '97', '105'),
    ("citation-file-formatting/TSV/_baseline_refworks.tsv", "csv", 5, 2, '100,doc:61b997e48f08e21cc56b3955', 'The effect of intra-arterial angiotensin II on the hepatic t', ('van den Hoven', ''), 2014, '10.1016/j.jvir.2013.12.293', 'Journal of Vascular and Interventional Radiology', 'S105', None),
    ("colrev/abi_inform_proquest_bib.bib", "bibtex", 2, 1, 'articlewriter_firstrandomword_2020', 'This is a dummy title', ('Articlewriter', 'Laura'), 2020, '10.3333/xyz.v4444.04', 'Dummy Relations', '99', '123'),
    ("colrev/abi_inform_proquest_ris.ris", "ris", 2, 1, '1234567890', 'Thesis title', ('Smith', 'John'), 2020, None, 'ProQuest Dissertations and Theses', '150', None),
    ("colrev/acm_bib.bib", "bibtex", 2, 1, '10.1111/7777777', 'This is a dummy article', ('Articlewriter', 'Tom'), 1900, '10.3333/7777777', 'The Journal for easy writing', '4', None),
    ("colrev/ais_enl.txt", "endnote-tagged", 6, 1, None, 'How Trust Leads to Commitment on Microsourcing Platforms: Un', ('Guo', 'Wenbo'), 2021, None, 'Management Information Systems Quarterly', '1309', '1348'),
    ("colrev/dblp_bib.bib", "bibtex", 2, 1, 'DBLP:journals/shortjournalname/Articlewriter22', 'This is a dummy article', ('Articlewriter', 'Tom'), 2022, '10.1111/7777777', 'The Journal for CAPITALLETTER easy writing', '1', '20'),
    ("colrev/eric_nbib.nbib", "medline", 1, 2, 'EJ1131633', 'Paper title', ('Smith', 'Tom'), 2000, '10.1000/123456789', 'Journal Name', '1', '9'),
    ("colrev/europe_pmc_bib.bib", "bibtex", 2, 1, 'PMID:18888888', 'When there is a PERCENTAGE symbol anywhere, then the code hi', ('Articlewriter', 'Tom'), 2023, '10.1111/s5555-333-55555-1', 'The dummy Journal', '15', None),
    ("colrev/ieee_csv.csv", "csv", 2, 2, None, 'Rural Outsourcing: Delivering ITO and BPO Services from Remo', ('Rottman', 'Joseph'), None, '10.1109/mc.2011.377', 'Computer', None, None),
    ("colrev/ieee_ris.ris", "ris", 2, 1, None, 'Title of a conference paper', ('Author-One', 'A.'), 2020, '10.1234/random-name55555.2020.00050', 'Secondary Title (booktitle title, if applicable)', '183', '186'),
    ("colrev/jstor_ris.ris", "ris", 4, 6, None, 'This is the title - charset UTF-8 used', ('Lastname', 'Firstname'), 2016, None, 'Random Technology', '30', '33'),
    ("colrev/psycinfo_ris.ris", "ris", 1, 5, '2020-55555-005', 'Primary Title', ('Author-One', 'Matthias'), 2020, '10.1011/hea0004444', 'Journal/Periodical name: full format', '1023', '1095'),
    ("colrev/pubmed_csv.csv", "csv", 1, 2, '11223344', 'Paper title', ('Smith', 'A'), 2021, '10.1111/nature1111', 'Nature', '10', '11'),
    ("colrev/scopus_bib.bib", "bibtex", 11, 2, 'Firstwriter2022', 'Article classified as document_type Article, NO Volume, NO N', ('Firstwriter', 'Z.'), 2022, '10.1111/88888888.2022.7777777', 'Public Dummy Review One', None, None),
    ("colrev/springer_csv.csv", "csv", 1, 2, None, 'Publication tilte', ('Smith', 'Andy'), 2000, '10.1007/11111', 'Nature', None, None),
    ("colrev/taylor_and_francis_bib.bib", "bibtex", 2, 8, 'doi:10.1111/07777777.2018.1666666', 'This is a dummy title from publisher Taylor & Francis', ('Does', 'Tandf'), 2018, '10.1111/07777777.2018.1666666', 'Journal of Dummy article engineering', '199', '222'),
    ("colrev/trid_ris.ris", "ris", 3, 1, '01611111', 'Title of this citation', (None, None), 2017, None, None, None, None),
    ("colrev/web_of_science_bib.bib", "bibtex", 2, 3, 'WOS:000223334444221', 'Inproceedings Title', ('Writerone', 'Julia'), 2017, '10.1007/999-9-999-99999-9_3', 'A BOOKTITLE', '48', '98'),
    ("colrev/wiley_bib.bib", "bibtex", 2, 2, 'doi:https://doi.org/10.1111/1111222233334.ch29', 'Dummy: write down your ideas', ('Inbookwriter', 'Luise'), 2016, '10.1111/1111222233334.ch29', 'Dummy in Practice', '122', '134'),
    ("derived/wos_tab_delimited_utf16.txt", "csv", 2, 2, 'WOS:000221807500019', 'Interactions stabilizing the structure of the core light-har', ('Parkes-Loach', 'PS'), 2004, '10.1021/bi049798f', 'BIOCHEMISTRY', '7003', '7016'),
    ("hair2023/final_labelled_Diabetes_duplicates_calc_performance.csv", "csv", 4, 2, '1', 'Intestinal lipoprotein overproduction in insulin-resistant s', ('Adeli', 'K.'), 2008, '10.1097/mol.0b013e3282ffaf82', 'Curr Opin Lipidol', '221', '228'),
    ("hair2023/final_labelled_Neuroimaging_duplicates_calc_performance.csv", "csv", 3, 2, '4', 'Is MGMT promoter methylation to be considered in the decisio', ('Pala', 'A.'), 2018, '10.1016/j.clineuro.2018.02.003', 'Clinical Neurology and Neurosurgery', '6', '10'),
    ("litstudy/example.ris", "ris", 5, 1, None, 'The European Approach to the Exascale Challenge', ('Kalbe', 'G.'), 2019, '10.1109/mcse.2018.2884139', 'Computing in Science & Engineering', '42', '47'),
    ("litstudy/ieee.csv", "csv", 5, 2, None, 'Exascale Computing Trends: Adjusting to the "New Normal"\' fo', ('Kogge', 'P.'), 2013, '10.1109/mcse.2013.95', 'Computing in Science & Engineering', '16', '26'),
    ("litstudy/scopus.csv", "csv", 4, 2, '2-s2.0-27344436659', 'Scalable molecular dynamics with NAMD', ('Phillips', 'J.C.'), 2005, '10.1002/jcc.20289', 'Journal of Computational Chemistry', '1781', '1802'),
    ("litstudy/springer.csv", "csv", 18, 2, None, 'Graph-Based Load Balancing Model for Exascale Computing Syst', ('Aliev', 'Araz R.'), 2022, '10.1007/978-3-030-92127-9_33', '11th International Conference on Theory and Application of Soft Computing, Computing with Words and Perceptions and Artificial Intelligence - ICSCCW-2021', None, None),
    ("nbib/pmc_medlars.txt", "medline", 5, 2, '30042925', 'A method package for electrophysiological evaluation of reco', ('Takeuchi', 'Yuichi'), 2018, '10.1016/j.mex.2018.03.007', 'MethodsX', '283', '298'),
    ("nbib/pubmed-balloongui-set.nbib", "medline", 5, 1, '30776994', 'Impact of Balloon Guide Catheter Use on Clinical and Angiogr', ('Zaidat', 'Osama O'), 2019, '10.1161/strokeaha.118.021126', 'Stroke', '697', '704'),
    ("nbib/single.nbib", "medline", 1, 1, '28754806', 'Impact of balloon guide catheter on technical and clinical o', ('Brinjikji', 'Waleed'), 2018, '10.1136/neurintsurg-2017-013179', 'Journal of neurointerventional surgery', '335', '339'),
    ("reflib/Dump-Converted test.xml", "endnote-xml", 5, 1, '9092', "AAN's First 21st-Century Position Statement on Ethical Consi", (None, None), 2021, '10.1212/wnl.0000000000012606', 'Neurology', '704', '704'),
    ("reflib/SpiderCite demo.xml", "endnote-xml", 5, 1, '2', 'A multicenter, randomized, split-face clinical trial evaluat', ('Antoniou', 'C.'), 2016, '10.1111/ijd.13349', 'Int J Dermatol', '1321', '1328'),
    ("reflib/blue-light.nbib", "medline", 5, 1, '29657938', 'Formulation of Herbal Gel of Antirrhinum majus Extract and E', ('Shahtalebi', 'Mohammad Ali'), 2018, '10.4103/abr.abr_99_17', 'Advanced biomedical research', '53', None),
    ("reflib/blue-light.ris", "ris", 5, 1, '895', 'Formulation of Herbal Gel of Antirrhinum majus Extract and E', ('Shahtalebi', 'M. A.'), 2018, '10.4103/abr.abr_99_17', 'Adv Biomed Res', '53', None),
    ("reflib/blue-light.xml", "endnote-xml", 5, 1, '895', 'Formulation of Herbal Gel of Antirrhinum majus Extract and E', ('Shahtalebi', 'M. A.'), 2018, '10.4103/abr.abr_99_17', 'Adv Biomed Res', '53', None),
    ("reflib/bold.xml", "endnote-xml", 3, 1, '1979', 'Patient satisfaction with physician-patient communication du', ('Agha', 'Z.'), 2009, '10.1089/tmj.2009.0030', 'Telemed J E Health', '830', '839'),
    ("reflib/cancer.nbib", "medline", 5, 2, '27236861', 'Prognostic value of preoperative von Willebrand factor plasm', ('Marfia', 'Giovanni'), 2016, '10.1002/cam4.747', 'Cancer medicine', None, None),
    ("reflib/multipart.xml", "endnote-xml", 1, 4, '1 & 2', 'Foo & Bar', ('Bar', 'Foo &'), None, None, 'Foo & Journal', None, None),
    ("rispy/example_wos.ris", "wos", 2, 3, 'WOS:000221807500019', 'Interactions stabilizing the structure of the core light-har', ('Parkes-Loach', 'PS'), 2004, '10.1021/bi049798f', 'BIOCHEMISTRY', '7003', '7016'),
]

#: Real exports that must not import, and why (checked in test_formats_bibtex / _contract).
NOT_IMPORTED = {
    "colrev/ebsco_bib.bib": "EBSCOhost wrote unbalanced braces into a Keywords field",
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return Store.open(f"sqlite:///{tmp_path_factory.mktemp('corpus')}/review.db")


def test_corpus_lists_every_copied_export() -> None:
    listed = {row[0] for row in CORPUS} | set(NOT_IMPORTED)
    present = {p.relative_to(EXPORTS).as_posix() for p in EXPORTS.rglob("*") if p.is_file() and p.suffix != ".md"}
    assert present == listed


@pytest.mark.parametrize(
    ("name", "fmt", "count", "line", "source_id", "title", "author", "year", "doi", "journal", "first", "last"),
    CORPUS,
    ids=[row[0] for row in CORPUS],
)
def test_import_export_dialect(
    store: Store, name: str, fmt: str, count: int, line: int, source_id: str | None, title: str,
    author: tuple[str | None, str | None], year: int | None, doi: str | None, journal: str | None,
    first: str | None, last: str | None,
) -> None:
    (result,) = import_files(store, [EXPORTS / name], actor="tester", source=name)
    assert (result.format, result.records) == (fmt, count)
    r, s = schema.records, schema.sources
    with store.read() as conn:
        # Byte-identical exports (Cochrane's ProCite and RefMan options) are imported once.
        source = result.source if not result.skipped else result.previous_source
        rows = conn.execute(
            select(r).join(s, r.c.source_id == s.c.id).where(s.c.name == source).order_by(r.c.position)
        ).mappings().all()
    assert [row["position"] for row in rows] == list(range(1, count + 1))
    rec = rows[0]
    assert rec["line"] == line
    assert rec["source_ref"] == source_id
    assert (rec["title"] or "").startswith(title)
    authors = json.loads(rec["authors"]) if rec["authors"] else [{"family": None, "given": None}]
    assert (authors[0]["family"], authors[0]["given"]) == author
    assert (rec["year"], rec["doi"], rec["journal"]) == (year, doi, journal)
    assert (rec["page_first"], rec["page_last"]) == (first, last)
    assert json.loads(rec["original"])  # the fields as exported are kept
