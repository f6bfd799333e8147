-- 0013: lighter writes. rule_facts goes (0005): its triggers kept, for every registration
-- written, what the rules needed to choose the persons they looked at closely; since 0012 a
-- write computes the findings of the persons it touched instead, and those per-row triggers had
-- become the largest part of what an import costs SQLite. What read the facts (the window rule,
-- the reports, a person's training window) reads the registrations, by person.
DROP TRIGGER registrations_rule_facts_insert;
DROP TRIGGER registrations_rule_facts_update;
DROP TRIGGER registrations_rule_facts_delete;
DROP TRIGGER rule_facts_keys_compute;
DROP TRIGGER persons_rule_facts;
DROP TRIGGER persons_rule_facts_delete;
DROP VIEW rule_facts_computed;
DROP TABLE rule_facts_keys;
DROP TABLE rule_facts;

-- Nothing reads registrations by their deadline alone: nir overdue and nir status read the
-- index of unaccepted registrations (0004), the reports scan. Every registration written paid
-- for this one.
DROP INDEX registrations_deadline;
