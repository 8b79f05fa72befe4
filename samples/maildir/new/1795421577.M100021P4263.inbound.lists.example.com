Return-Path: <fbl@bounce.mailstream.senderscore.net>
Delivered-To: fbl@example.com
Received: from mrd.us-east-1a.returnpath.net (mrd.us-east-1a.returnpath.net [198.51.100.118])
	by mx.example.com (Postfix) with ESMTPS id 4dLm6b0CwTz2Ns5
	for <fbl@example.com>; Fri, 16 Oct 2026 14:20:33 +0000 (UTC)
Received: (Haraka outbound); Fri, 16 Oct 2026 14:20:31 +0000
Received: from localhost ([127.0.0.1])
	by mrd.us-east-1a.returnpath.net (Haraka/3.0.4) with ESMTP id 7C2F9A41-0E3B-4D1C-8A55-2B6E9F0C1D73.1
	envelope-from <fbl@bounce.mailstream.senderscore.net>;
	Fri, 16 Oct 2026 14:20:31 +0000
Date: Fri, 16 Oct 2026 14:20:31 +0000
MIME-Version: 1.0
X-Rp-Fbl: type=arf; subscriptionID=3b7e91c4-52fa-4c0d-9d18-6a2e0f8b7c15
Content-Type: multipart/report; report-type=feedback-report;
 boundary=9c3a51f0e27d48b6a1f4c8e02d7b9f35a6c1e4d8b2f07a9c3e5d1b8f4a2c6e09
Message-ID: <01k7p3c9w8z2x5v4n6m1q0r7t3.fbl@bounce.mailstream.senderscore.net>
To: fbl@example.com
Subject: Comcast Abuse Report
From: Comcast FBL Service <feedbackloop@comcastfbl.senderscore.net>

--9c3a51f0e27d48b6a1f4c8e02d7b9f35a6c1e4d8b2f07a9c3e5d1b8f4a2c6e09
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

This is a Comcast Abuse Report for an email message received from domain =
news.example.com, IP 203.0.113.25, on Thu, 15 Oct 2026 08:00:13 +0000.

--9c3a51f0e27d48b6a1f4c8e02d7b9f35a6c1e4d8b2f07a9c3e5d1b8f4a2c6e09
Content-Disposition: inline
Content-Transfer-Encoding: 8bit
Content-Type: message/feedback-report

Source-Ip: 203.0.113.25
User-Agent: ReturnPathFBL/2.0
Original-Rcpt-To: dmiller1971@comcast.net
Reported-Domain: news.example.com
Original-Mail-From: bounces+dmiller1971=comcast.net@lists.example.com
Source: Comcast
Abuse-Type: complaint
Subscription-Link: https://fbl.validity.com/manage/subscriptions/3b7e91c4-52fa-4c0d-9d18-6a2e0f8b7c15
Feedback-Type: abuse
Version: 1
Arrival-Date: Thu, 15 Oct 2026 08:00:13 +0000

--9c3a51f0e27d48b6a1f4c8e02d7b9f35a6c1e4d8b2f07a9c3e5d1b8f4a2c6e09
Content-Disposition: inline
Content-Transfer-Encoding: 8bit
Content-Type: message/rfc822

Return-Path: <bounces+dmiller1971=comcast.net@lists.example.com>
Received: from mta1.lists.example.com ([203.0.113.25])
	by resimta-po-39v.sys.comcast.net with ESMTPS
	id 2Hk9vQcD0aBcD3EfGh; Thu, 15 Oct 2026 08:00:13 +0000
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=news.example.com;
	s=lh2026; t=1792051211;
	h=from:to:subject:date:message-id:list-id:list-unsubscribe:
	 list-unsubscribe-post:feedback-id:cfbl-address:cfbl-feedback-id;
	bh=2B5eggudWU2ACht03wL6SooCokBX9/E227fpwyN2wjA=;
	b=TL9A21o0Tii4n0rDq0HutKsbcAtXJdSDo32htD6WCDU6vvflzfsi1Ks0c85+gKAQ
	 CuSG+wzo9rvw9K0HyV8iniC6lA7z3AD0h2i3fAF648TWTKxwhjvZOVVFkVUiDItW
From: Example Outfitters <news@news.example.com>
To: dmiller1971@comcast.net
Subject: October field notes: three overnight routes for autumn
Date: Thu, 15 Oct 2026 08:00:11 +0000
Message-ID: <20261015080011.40158.c2610b@news.example.com>
MIME-Version: 1.0
List-Id: Example Outfitters News <news.lists.example.com>
List-Unsubscribe: <https://example.com/u/HEBwDH7lJ5Pqf5guVCAq>,
 <mailto:unsubscribe+HEBwDH7lJ5Pqf5guVCAq@lists.example.com>
List-Unsubscribe-Post: List-Unsubscribe=One-Click
Feedback-ID: c2610b:newsletter:outfitters:exampleco
CFBL-Address: fbl@example.com; report=arf
CFBL-Feedback-ID: 40158.c2610b.0ba948bc
X-Listhygiene-Rid: v1.40158.c2610b.vVHv4tjWcQVyPRfQShat
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 7bit

Hi Dave,

Autumn is the best season for a night under the stars. This month our
guides share three overnight routes, a packing list for cold nights and
how to keep your water filter from freezing.

Read the field notes: https://example.com/c/2610b?s=40158

Unsubscribe: https://example.com/u/HEBwDH7lJ5Pqf5guVCAq

--9c3a51f0e27d48b6a1f4c8e02d7b9f35a6c1e4d8b2f07a9c3e5d1b8f4a2c6e09--
