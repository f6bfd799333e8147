-- 0011: the training window rule finds, beside those whose window starts at the permit, the
-- persons whose window starts or ends elsewhere, each by date through an index of its own: a
-- later arrival (§ 26), collective protection under the ordinary rules (from settlement), and
-- the 67th birthday (the end).
CREATE INDEX persons_later_arrival ON persons (arrival_date, id) WHERE arrival_date > permit_date;
CREATE INDEX persons_collective_protection ON persons (settlement_date, id)
    WHERE residence_basis = 'collective_protection' AND regime = 'integreringsloven';
CREATE INDEX persons_birth_date ON persons (birth_date, id);
